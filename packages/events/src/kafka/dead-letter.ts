import type { KafkaMessage, Producer } from 'kafkajs';
import { deadLetterReasonHeader } from '../dead-letters.ts';

/**
 * Parks a message on the group's dead-letter topic exactly as it arrived (same key, value
 * and headers, so it can be replayed once fixed), plus why and from where. Resolves once
 * every in-sync replica has it (acks=all).
 */
export async function park(
  producer: Producer,
  deadLetterTopic: string,
  origin: { topic: string; partition: number; message: KafkaMessage },
  reason: string,
): Promise<void> {
  const { message } = origin;
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [deadLetterReasonHeader]: reason,
          'dead-letter-topic': origin.topic,
          'dead-letter-partition': String(origin.partition),
          'dead-letter-offset': message.offset,
        },
      },
    ],
  });
}
