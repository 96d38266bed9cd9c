/**
 * For the guide's "Break it": publishes and consumes an event every 100 ms for 20 s and
 * reports once a second. Close its connection from the broker side meanwhile
 * (`rabbitmqctl close_all_connections "drill"`, or only this client's connection, named
 * lab05-outage) and watch it reconnect and lose nothing.
 */
import { createRabbitMqBus, newEvent } from '@commlab/events';
import { brokers } from './brokers.ts';
import { deleteAmqp, runAsScript, runId, sleep, until, type Print } from './support.ts';

export async function outage(
  print: Print,
  {
    seconds = 20,
    connectionName = 'lab05-outage',
    /** Keep going past `seconds` until this settles (a test's drop), then one more second. */
    runUntil = Promise.resolve() as Promise<unknown>,
  } = {},
): Promise<{ published: number; lost: number }> {
  const exchange = `lab05.outage.${runId()}`;
  const group = `${exchange}.audit`;
  const log = (_fields: object, message: string) => print(`  [bus] ${message}`);
  const bus = await createRabbitMqBus({
    url: brokers.amqpUrl,
    exchange,
    connectionName,
    log: { info: () => {}, warn: log, error: log },
  });
  const published: string[] = [];
  const consumed = new Set<string>();
  try {
    await bus.subscribe({ group, types: ['lab05.tick.v1'] }, async (event) => void consumed.add(event.id));
    let settled = false;
    let last = seconds * 10;
    void runUntil.finally(() => {
      settled = true;
      last = Math.max(last, published.length + 10);
    });
    for (let tick = 1; tick <= last || !settled; tick++) {
      const event = newEvent({ source: '/lab05', type: 'lab05.tick.v1', subject: 'ticker', data: { tick } });
      await bus.publish(event); // resolves once confirmed, after a reconnect if need be
      published.push(event.id);
      if (tick % 10 === 0) print(`published ${published.length}, consumed ${consumed.size}`);
      await sleep(100);
    }
    await until('every confirmed event consumed', () => published.every((id) => consumed.has(id)), 30_000);
  } finally {
    await bus.close();
    await deleteAmqp({ queues: [group, `${group}.dlq`], exchanges: [exchange, `${exchange}.dlx`] });
  }
  const lost = published.filter((id) => !consumed.has(id)).length;
  print(`published ${published.length} confirmed events, consumed ${consumed.size}, lost ${lost}`);
  return { published: published.length, lost };
}

if (import.meta.main) runAsScript(outage);
