import type { Admin, Kafka } from 'kafkajs';

/** Where to rewind to: an offset (on every partition, or one), or a point in time. */
export type ReplayFrom = { offset: number; partition?: number } | { timestamp: Date | number };

/**
 * Rewinds a consumer group on a topic, as `kafka-consumer-groups.sh --reset-offsets` does:
 * its next run re-consumes from there. An offset outside a partition's range is clamped to
 * it; a time maps to each partition's first offset at or after it (the end if none). The
 * group must have no running consumers. Returns the offsets now committed, per partition.
 */
export async function replayGroup(
  kafka: Kafka,
  admin: Admin,
  { group, topic, from }: { group: string; topic: string; from: ReplayFrom },
): Promise<{ partition: number; offset: string }[]> {
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic ${topic} does not exist`);
  const {
    groups: [description],
  } = await admin.describeGroups([group]);
  if (description && !['Empty', 'Dead'].includes(description.state)) {
    throw new Error(`consumer group ${group} still has running consumers (${description.state}); stop them first`);
  }
  const partitions = await targetOffsets(admin, topic, from);
  await commitAsMember(kafka, group, topic, partitions);
  return partitions.sort((a, b) => a.partition - b.partition);
}

async function targetOffsets(admin: Admin, topic: string, from: ReplayFrom) {
  if ('timestamp' in from) {
    const at = typeof from.timestamp === 'number' ? from.timestamp : from.timestamp.getTime();
    return admin.fetchTopicOffsetsByTimestamp(topic, at);
  }
  const ranges = (await admin.fetchTopicOffsets(topic)).filter(
    (range) => from.partition === undefined || range.partition === from.partition,
  );
  if (ranges.length === 0) throw new Error(`topic ${topic} has no partition ${from.partition}`);
  return ranges.map((range) => ({
    partition: range.partition,
    offset: String(Math.min(Math.max(from.offset, Number(range.low)), Number(range.high))),
  }));
}

/**
 * Offsets are committed by a member of the group, so we briefly become its only member —
 * joined, fetching nothing — and commit. (kafkajs' admin.setOffsets does the same but then
 * waits out a full idle fetch, five seconds.)
 */
async function commitAsMember(
  kafka: Kafka,
  group: string,
  topic: string,
  partitions: { partition: number; offset: string }[],
): Promise<void> {
  const member = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  const joined = new Promise((resolve) => member.on(member.events.GROUP_JOIN, resolve));
  await member.connect();
  try {
    await member.subscribe({ topics: [topic] });
    await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    member.pause([{ topic }]);
    await joined;
    await member.commitOffsets(partitions.map((p) => ({ topic, ...p })));
  } finally {
    await member.disconnect();
  }
}
