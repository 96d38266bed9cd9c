/**
 * Kafka keeps events after they are consumed; a consumer group only remembers how far it
 * got (its committed offsets). Rewinding those offsets — to an offset, or to a point in
 * time — makes the group read the events again: to rebuild a projection, or to reprocess
 * after fixing a bug. `replay.ts` does the same for any group from the command line.
 */
import { createKafkaBus, newEvent, type KafkaBus } from '@commlab/events';
import { brokers } from './brokers.ts';
import { consumerTiming, deleteTopics, runAsScript, runId, sleep, until, type Print } from './support.ts';

const steps = ['placed', 'reserved', 'paid', 'shipped', 'delivered'];

export interface ReplayOutcome {
  reads: string[][];
}

export async function kafkaReplay(print: Print): Promise<ReplayOutcome> {
  const run = runId();
  const topic = `lab05.history.${run}`;
  const group = `lab05.reporting.${run}`;
  const bus = await createKafkaBus({ brokers: brokers.kafka, topicOf: () => topic, consumerTiming });
  const outcome: ReplayOutcome = { reads: [] };
  try {
    let beforeLast = 0;
    for (const step of steps) {
      if (step === 'delivered') {
        // Timestamps are milliseconds: step away from "shipped" and from "delivered", so the
        // point in time lies strictly between them even when a publish takes under 1 ms.
        await sleep(5);
        beforeLast = Date.now();
        await sleep(5);
      }
      await bus.publish(
        newEvent({ source: '/lab05', type: 'commlab.order.step.v1', subject: 'order-1', data: { step } }),
      );
    }
    print(`published ${steps.length} events for order-1 (one key: one partition, offsets 0 to ${steps.length - 1})`);

    print(`reporting reads: ${(await readAll(bus, group, outcome, steps.length)).join(', ')}`);
    await rewind(bus, print, { group, topic, from: { offset: 2 } }, 'offset 2');
    print(`reporting reads again: ${(await readAll(bus, group, outcome, 3)).join(', ')}`);
    await rewind(bus, print, { group, topic, from: { timestamp: beforeLast } }, 'the time just before "delivered"');
    print(`reporting reads again: ${(await readAll(bus, group, outcome, 1)).join(', ')}`);
  } finally {
    await bus.close();
    await deleteTopics([topic, `${group}.dlt`]);
  }
  return outcome;
}

/** Runs the group until it has read `count` events, then stops it (offsets committed). */
async function readAll(bus: KafkaBus, group: string, outcome: ReplayOutcome, count: number): Promise<string[]> {
  const read: string[] = [];
  const subscription = await bus.subscribe({ group, types: ['commlab.order.step.v1'] }, async (event) => {
    read.push((event.data as { step: string }).step);
  });
  await until(`${count} events read`, () => read.length >= count);
  await subscription.close();
  outcome.reads.push(read);
  return read;
}

async function rewind(bus: KafkaBus, print: Print, request: Parameters<KafkaBus['replay']>[0], label: string) {
  const offsets = await bus.replay(request);
  const moved = offsets.filter((p) => p.offset !== '0').map((p) => `partition ${p.partition} → offset ${p.offset}`);
  print(`rewound reporting to ${label}: ${moved.join(', ') || 'every partition → offset 0'}`);
}

if (import.meta.main) runAsScript(kafkaReplay);
