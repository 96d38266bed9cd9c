import { Kafka, logLevel } from 'kafkajs';
import { inNamespaces } from '../namespace.ts';

/** Deletes the namespaces' topics (their dead-letter topics included) and consumer groups (their offsets). */
export async function emptyKafka(
  brokers: readonly string[],
  namespaces: readonly string[],
): Promise<{ topics: string[]; groups: string[] }> {
  const admin = new Kafka({ clientId: 'commlab-reset', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((name) => inNamespaces(name, namespaces)).sort();
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((name) => inNamespaces(name, namespaces))
      .sort();
    if (topics.length > 0) await admin.deleteTopics({ topics });
    if (groups.length > 0) await admin.deleteGroups(groups);
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}
