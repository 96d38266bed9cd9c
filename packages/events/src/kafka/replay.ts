import type { Admin } from 'kafkajs';

/** Where to rewind to: an offset (on every partition, or one), or a point in time. */
export type ReplayFrom = { offset: number; partition?: number } | { timestamp: Date | number };

/**
 * Rewinds a consumer group on a topic, as `kafka-consumer-groups.sh --reset-offsets` does:
 * its next run re-consumes from there. An offset outside a partition's range is clamped to
 * it; a time maps to each partition's first offset at or after it (the end if none). The
 * group must have no running consumers — the broker refuses to move a live group's offsets.
 * Returns the offsets now committed, per partition.
 */
export async function replayGroup(
  admin: Admin,
  { group, topic, from }: { group: string; topic: string; from: ReplayFrom },
): Promise<{ partition: number; offset: string }[]> {
  const ranges = await admin.fetchTopicOffsets(topic);
  let partitions: { partition: number; offset: string }[];
  if ('timestamp' in from) {
    const at = typeof from.timestamp === 'number' ? from.timestamp : from.timestamp.getTime();
    partitions = await admin.fetchTopicOffsetsByTimestamp(topic, at);
  } else {
    partitions = ranges
      .filter((range) => from.partition === undefined || range.partition === from.partition)
      .map((range) => ({ partition: range.partition, offset: clamp(from.offset, range.low, range.high) }));
    if (partitions.length === 0) throw new Error(`topic ${topic} has no partition ${from.partition}`);
  }
  await admin.setOffsets({ groupId: group, topic, partitions });
  return partitions.sort((a, b) => a.partition - b.partition);
}

function clamp(offset: number, low: string, high: string): string {
  return String(Math.min(Math.max(offset, Number(low)), Number(high)));
}
