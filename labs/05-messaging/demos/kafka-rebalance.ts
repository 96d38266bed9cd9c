/**
 * A consumer group shares a topic's partitions among its members. When a member joins or
 * leaves, the group rebalances: partitions move, and a member resumes each one from the
 * last committed offset — so nothing is lost (at worst an event is redelivered, which the
 * idempotent consumer absorbs).
 */
import { createKafkaBus, newEvent, type BusLog } from '@commlab/events';
import { brokers } from './brokers.ts';
import { consumerTiming, deleteTopics, runAsScript, runId, until, type Print } from './support.ts';

export interface RebalanceOutcome {
  published: number;
  lost: number;
  /** Partitions per consumer after each rebalance. */
  assignments: Record<string, number[]>[];
}

export async function kafkaRebalance(print: Print): Promise<RebalanceOutcome> {
  const run = runId();
  const topic = `lab05.rebalance.${run}`;
  const group = `lab05.rebalance.${run}`;

  // The bus logs each member's partitions after every rebalance; we name members A and B.
  const names = new Map<string, string>();
  const owned = new Map<string, number[]>();
  let joining = 'A';
  const log: BusLog = {
    info: (fields, message) => {
      if (message !== 'joined consumer group') return;
      const { memberId, partitions } = fields as { memberId: string; partitions: Record<string, number[]> };
      if (!names.has(memberId)) names.set(memberId, joining);
      owned.set(names.get(memberId)!, [...(partitions[topic] ?? [])].sort());
    },
    warn: () => {},
    error: () => {},
  };
  const bus = await createKafkaBus({ brokers: brokers.kafka, topicOf: () => topic, consumerTiming, log });

  const outcome: RebalanceOutcome = { published: 0, lost: 0, assignments: [] };
  const published: string[] = [];
  const handled = { A: new Set<string>(), B: new Set<string>() };
  const seen = (id: string) => handled.A.has(id) || handled.B.has(id);
  const subscribe = (member: 'A' | 'B') => {
    joining = member;
    return bus.subscribe(
      { group, types: ['commlab.order.placed.v1'] },
      async (event) => void handled[member].add(event.id),
    );
  };
  /** Waits until exactly these members own all three partitions between them, and describes who has which. */
  const settled = async (members: string[]) => {
    await until(`partitions shared by ${members.join(' and ')}`, () => {
      const all = members.flatMap((m) => owned.get(m) ?? []);
      return members.every((m) => owned.get(m)?.length) && all.length === 3 && new Set(all).size === 3;
    });
    outcome.assignments.push(Object.fromEntries(members.map((m) => [m, owned.get(m)!])));
    return members.map((m) => `${m} has partitions ${owned.get(m)!.join(', ')}`).join('; ');
  };
  const publish = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const event = newEvent({
        source: '/lab05',
        type: 'commlab.order.placed.v1',
        subject: `order-${published.length % 10}`,
        data: {},
      });
      await bus.publish(event);
      published.push(event.id);
    }
    await until('every published event handled', () => published.every(seen));
  };

  try {
    await subscribe('A');
    print(`A joins: ${await settled(['A'])}`);
    await publish(10);

    const b = await subscribe('B');
    print(`B joins → rebalance: ${await settled(['A', 'B'])}`);
    const before = { A: handled.A.size, B: handled.B.size };
    await publish(10);
    print(`10 more events: A handled ${handled.A.size - before.A}, B handled ${handled.B.size - before.B}`);

    await b.close();
    owned.delete('B');
    print(`B leaves → rebalance: ${await settled(['A'])}`);
    await publish(10);
  } finally {
    await bus.close();
    await deleteTopics([topic, `${group}.dlt`]);
  }

  outcome.published = published.length;
  outcome.lost = published.filter((id) => !seen(id)).length;
  print(`published ${outcome.published} events, lost ${outcome.lost}`);
  return outcome;
}

if (import.meta.main) runAsScript(kafkaRebalance);
