import type { Admin } from 'kafkajs';

export interface TopicLayout {
  /** Partitions per topic: the unit of ordering and of parallelism in a consumer group. */
  partitions: number;
  /** Copies of each partition; 1 on a single lab broker, 3 in production. */
  replicationFactor: number;
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
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
    })),
  });
}

/** The dead-letter topic of a consumer group: where it parks what it cannot process. */
export function deadLetterTopicOf(group: string): string {
  return `${group}.dlt`;
}
