import type { Admin } from 'kafkajs';

export interface TopicLayout {
  /** Partitions per topic: the unit of ordering and of parallelism in a consumer group. */
  partitions: number;
  /**
   * Copies of each partition. Unset: the cluster's own default.replication.factor — 1 on the
   * single lab broker, 3 on the three-broker cluster (whose min.insync.replicas=2 then lets
   * writes go on with one broker down).
   */
  replicationFactor?: number | undefined;
}

/**
 * Creates the topics that do not exist yet, with the lab's layout, and waits for their
 * leaders. Topics that exist are left as they are (their partition count included).
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], layout: TopicLayout): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    // Polled below instead: kafkajs' own wait fails when the broker it asks has not heard of
    // the new topic yet, which on a cluster happens every few runs.
    waitForLeaders: false,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: layout.partitions,
      // Left out, kafkajs sends -1: the broker's default.
      ...(layout.replicationFactor !== undefined && { replicationFactor: layout.replicationFactor }),
    })),
  });
  const deadline = Date.now() + 30_000;
  while (!(await haveLeaders(admin, missing))) {
    if (Date.now() > deadline) throw new Error(`topics ${missing.join(', ')} got no partition leaders within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function haveLeaders(admin: Admin, topics: string[]): Promise<boolean> {
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
  } catch {
    return false;
  }
}

/** The dead-letter topic of a consumer group: where it parks what it cannot process. */
export function deadLetterTopicOf(group: string): string {
  return `${group}.dlt`;
}
