/**
 * A work queue: competing consumers share one queue, and prefetch decides how many
 * unacknowledged jobs the broker pushes to each. A fast and a slow worker take 12 jobs,
 * first with prefetch 1, then with prefetch 6.
 */
import { createRabbitMqBus, newEvent } from '@commlab/events';
import { brokers } from './brokers.ts';
import { deleteAmqp, runAsScript, runId, sleep, until, type Print } from './support.ts';

const jobs = 12;
const workers = { fast: 40, slow: 200 }; // ms per job

export interface WorkQueueRound {
  prefetch: number;
  handled: Record<keyof typeof workers, number>;
  mostHeld: number;
  everyJobOnce: boolean;
}

export async function workQueue(print: Print): Promise<WorkQueueRound[]> {
  const rounds: WorkQueueRound[] = [];
  print(`${jobs} jobs, two workers on one queue: fast (${workers.fast} ms a job) and slow (${workers.slow} ms a job)`);
  for (const prefetch of [1, 6]) {
    const round = await oneRound(prefetch);
    rounds.push(round);
    print(
      `prefetch ${prefetch}: fast handled ${round.handled.fast}, slow handled ${round.handled.slow}; ` +
        `no worker held more than ${prefetch} unacked job${prefetch > 1 ? 's' : ''}: ${round.mostHeld <= prefetch ? 'yes' : 'NO'}`,
    );
  }
  print(`every job handled exactly once, in both rounds: ${rounds.every((r) => r.everyJobOnce) ? 'yes' : 'NO'}`);
  return rounds;
}

async function oneRound(prefetch: number): Promise<WorkQueueRound> {
  const exchange = `lab05.work.${runId()}`;
  const queue = `${exchange}.jobs`;
  const bus = await createRabbitMqBus({ url: brokers.amqpUrl, exchange, prefetch });
  const handled = { fast: 0, slow: 0 };
  const ids: string[] = [];
  let mostHeld = 0;
  try {
    for (const [name, msPerJob] of Object.entries(workers) as [keyof typeof workers, number][]) {
      let holding = 0;
      await bus.subscribe({ group: queue, types: ['lab05.job.requested.v1'] }, async (event) => {
        mostHeld = Math.max(mostHeld, ++holding);
        await sleep(msPerJob);
        holding--;
        handled[name]++;
        ids.push(event.id);
      });
    }
    for (let n = 1; n <= jobs; n++) {
      await bus.publish(
        newEvent({ source: '/lab05', type: 'lab05.job.requested.v1', subject: `job-${n}`, data: { n } }),
      );
    }
    await until('every job handled', () => ids.length >= jobs);
  } finally {
    await bus.close();
    await deleteAmqp({ queues: [queue, `${queue}.dlq`], exchanges: [exchange, `${exchange}.dlx`] });
  }
  return { prefetch, handled, mostHeld, everyJobOnce: new Set(ids).size === jobs && ids.length === jobs };
}

if (import.meta.main) runAsScript(workQueue);
