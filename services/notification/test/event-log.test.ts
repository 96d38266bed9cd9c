import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@commlab/kit';
import { NotificationConfig } from '../src/config.ts';
import { toEntry, type EventLog, type LogEntry } from '../src/domain/event-log.ts';
import { buildService } from '../src/service.ts';
import { databases } from './databases.ts';
import { orderEvent } from './order-events.ts';

const entry = (...args: Parameters<typeof orderEvent>) => toEntry(orderEvent(...args));
const build = (env: Record<string, string>) =>
  buildService(loadConfig(NotificationConfig, { ...env, LOG_LEVEL: 'silent', PORT: '0' }));

describe.each(databases)('event log on $name', ({ open }) => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let service: Awaited<ReturnType<typeof build>>;
  let log: EventLog;
  beforeAll(async () => {
    ({ env, drop } = await open());
    service = await build(env);
    log = service.log;
  });
  afterAll(async () => {
    for (const part of service?.parts ?? []) await part.close();
    await drop?.();
  });

  it('gives each new event the next id, and reads it back as recorded', async () => {
    const first = entry('c-1', 'o-1', 'pending');
    const a = await log.append(first);
    const b = await log.append(entry('c-1', 'o-1', 'confirmed'));
    expect(a.duplicate).toBe(false);
    expect(b.id).toBeGreaterThan(a.id);
    const [read] = await log.read({ after: a.id - 1, limit: 1 });
    expect(read).toEqual({ ...first, id: a.id });
  });

  it('records a redelivered event once and answers with its first id', async () => {
    const event = entry('c-2', 'o-2', 'pending');
    const first = await log.append(event);
    expect(await log.append(event)).toEqual({ id: first.id, duplicate: true });
    expect(await log.read({ after: 0, limit: 100, orderId: 'o-2' })).toHaveLength(1);
  });

  it("reads one customer's or one order's entries after an id, in order", async () => {
    const mark = (await log.append(entry('c-3', 'o-3', 'pending'))).id;
    await log.append(entry('c-4', 'o-4', 'pending'));
    await log.append(entry('c-3', 'o-3', 'confirmed'));
    await log.append(entry('c-3', 'o-5', 'pending'));

    const customer = await log.read({ after: mark, limit: 100, customerId: 'c-3' });
    expect(customer.map((n) => [n.orderId, n.status])).toEqual([
      ['o-3', 'confirmed'],
      ['o-5', 'pending'],
    ]);
    const order = await log.read({ after: 0, limit: 100, orderId: 'o-3' });
    expect(order.map((n) => n.status)).toEqual(['pending', 'confirmed']);
    expect(await log.read({ after: 0, limit: 1, customerId: 'c-3' })).toHaveLength(1);
  });

  it('tells listeners about new entries only, once each is stored', async () => {
    const seen: LogEntry[] = [];
    const unsubscribe = log.subscribe((stored) => seen.push(stored));
    const event = entry('c-5', 'o-6');
    const { id } = await log.append(event);
    await log.append(event);
    unsubscribe();
    expect(seen).toEqual([{ ...event, id }]);
    expect(await log.read({ after: id - 1, limit: 1 })).toEqual(seen);
  });

  it('keeps its entries and ids across a restart, and never reuses an id', async () => {
    const before = await log.append(entry('c-6', 'o-7'));
    for (const part of service.parts) await part.close();
    service = await build(env);
    log = service.log;
    expect(await log.head()).toBe(before.id);
    expect(await log.read({ after: 0, limit: 100, customerId: 'c-6' })).toHaveLength(1);
    expect((await log.append(entry('c-6', 'o-8'))).id).toBeGreaterThan(before.id);
  });
});
