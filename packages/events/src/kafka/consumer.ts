import type { Consumer, ConsumerConfig, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { PoisonEventError, type EventHandler, type Subscription } from '../bus.ts';
import type { BusLog } from '../log.ts';
import { processTraced } from '../tracing.ts';
import { classifyType, unknownTypeReason } from '../types.ts';
import { fromKafkaMessage } from '../wire/kafka-binding.ts';
import { park } from './dead-letter.ts';

export interface KafkaConsumerOptions {
  group: string;
  types: readonly string[];
  topics: readonly string[];
  deadLetterTopic: string;
  /** Tries of a failing handler, in place, before the message is parked. */
  maxAttempts: number;
  retryDelayMs: number;
  /** Where a group with no committed offset starts: the topic's beginning, or only new events. */
  fromBeginning: boolean;
  /** Session, rebalance and fetch timing, passed to kafkajs (tests shorten the session). */
  consumerTiming: ConsumerTiming;
  log: BusLog;
}

export type ConsumerTiming = Pick<
  ConsumerConfig,
  'sessionTimeout' | 'rebalanceTimeout' | 'heartbeatInterval' | 'maxWaitTimeInMs'
>;

type Outcome = { done: true } | { park: string };

/** Within a long batch, the offsets handled so far are committed after a message once this long passed. */
const commitEveryMs = 1_000;

/**
 * Consumes a group's topics. Each partition is processed in order, one message at a time;
 * its offset is committed only once the handler resolved — or the message was parked on the
 * dead-letter topic — so a crash re-delivers (never skips) what was in progress. A message
 * that cannot be processed is parked with the reason and the partition keeps flowing.
 *
 * Offsets are committed per fetched batch (kafkajs commits the offsets of the messages whose
 * eachMessage resolved, at the end of each batch and when the consumer stops), and at most
 * once a second within a long batch, not per message: a commit per message is a round trip to
 * the group coordinator each, which capped a partition at one message per round trip (lab 10:
 * ~600 events/s over three partitions on a busy machine). The commit within a batch is what
 * lab 14's lag metric reads: without it a slow consumer's offset stood still for a whole batch
 * (a hundred messages, many seconds) and looked like a stuck one.
 * A crash re-delivers what was handled since the last commit; consumers are idempotent for that.
 */
export async function consumeKafka(
  kafka: Kafka,
  deadLetters: Producer,
  options: KafkaConsumerOptions,
  handler: EventHandler,
): Promise<Subscription> {
  const { log } = options;
  const consumer: Consumer = kafka.consumer({
    groupId: options.group,
    // An idle fetch waits this long for data, and leaving the group waits for that fetch:
    // kafkajs' 5 s default would make every shutdown take 5 s.
    maxWaitTimeInMs: 1_000,
    ...options.consumerTiming,
  });

  const outcomeOf = async (payload: EachMessagePayload, heartbeat: () => Promise<void>): Promise<Outcome> => {
    let event;
    try {
      event = fromKafkaMessage(payload.message);
    } catch (err) {
      return { park: (err as Error).message };
    }
    const verdict = classifyType(options.types, event.type);
    if (verdict === 'ignore') return { done: true };
    if (verdict === 'unknown') return { park: unknownTypeReason(options.types, event.type) };
    for (let attempt = 1; ; attempt++) {
      try {
        await processTraced(
          event,
          {
            system: 'kafka',
            destination: payload.topic,
            group: options.group,
            attributes: { 'messaging.kafka.message.key': event.subject },
          },
          () => handler(event),
        );
        return { done: true };
      } catch (err) {
        const reason = (err as Error).message;
        if (err instanceof PoisonEventError) return { park: reason };
        if (attempt >= options.maxAttempts) return { park: `gave up after ${attempt} attempts: ${reason}` };
        log.warn({ id: event.id, attempt, err: reason }, 'handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * attempt));
        await heartbeat();
      }
    }
  };

  // Which partitions this member owns after each rebalance: the lab prints it, services log it.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    log.info(
      { group: options.group, memberId: payload.memberId, partitions: payload.memberAssignment },
      'joined consumer group',
    ),
  );
  await consumer.connect();
  try {
    await whenTopicsKnown(() =>
      consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning }),
    );
    await consumer.run({
      // Partitions are independent: one slow partition does not hold the others back.
      partitionsConsumedConcurrently: 3,
      autoCommitInterval: commitEveryMs,
      eachMessage: async (payload) => {
        const { topic, partition, message, heartbeat } = payload;
        const outcome = await outcomeOf(payload, heartbeat);
        if ('park' in outcome) {
          await park(deadLetters, options.deadLetterTopic, { topic, partition, message }, outcome.park);
          log.warn(
            { topic, partition, offset: message.offset, reason: outcome.park },
            'event parked on the dead-letter topic',
          );
        }
      },
    });
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    throw err;
  }

  return {
    // Leaves the group at once (the others take over its partitions without waiting for a
    // session timeout) after the message in progress finished.
    close: () => consumer.disconnect(),
  };
}

/**
 * On a cluster, a broker that has not yet heard of a topic just created through another one
 * answers UNKNOWN_TOPIC_OR_PARTITION for a moment, and kafkajs' subscribe gives up on the first
 * such answer: ask again for up to five seconds.
 */
async function whenTopicsKnown(subscribe: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await subscribe();
    } catch (err) {
      if (attempt >= 20 || !unknownTopic(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function unknownTopic(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e;) {
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}
