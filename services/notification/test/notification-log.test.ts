import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '@commlab/testkit';
import type { NotificationLog, OrderNotification } from '../src/domain/notifications.ts';
import { postgresNotificationLog } from '../src/store/postgres-log.ts';
import { sqliteNotificationLog } from '../src/store/sqlite-log.ts';

const logs: { name: string; open: () => Promise<{ log: NotificationLog; drop: () => Promise<void> }> }[] = [
  {
    name: 'SQLite',
    open: async () => ({
      log: sqliteNotificationLog(join(mkdtempSync(join(tmpdir(), 'commlab-notification-')), 'n.sqlite')),
      drop: async () => {},
    }),
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await freshPostgresDatabase();
      return { log: await postgresNotificationLog(db.url), drop: db.drop };
    },
  },
];

let next = 0;
function notification(customerId: string, orderId: string, status: OrderNotification['status']): OrderNotification {
  const eventId = `event-${++next}`;
  const data = {
    orderId,
    customerId,
    status,
    lines: [{ sku: 'KB-001', quantity: 1 }],
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  return {
    eventId,
    type: `commlab.order.${status}.v1`,
    orderId,
    customerId,
    status,
    time: new Date().toISOString(),
    data,
  };
}

describe.each(logs)('notification log with $name', ({ open }) => {
  let log: NotificationLog;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ log, drop } = await open());
  });
  afterAll(async () => {
    await log?.close();
    await drop?.();
  });

  it('gives each new event the next position, and reads it back as recorded', async () => {
    const first = notification('c-1', 'o-1', 'pending');
    const a = await log.append(first);
    const b = await log.append(notification('c-1', 'o-1', 'confirmed'));
    expect(a.duplicate).toBe(false);
    expect(b.seq).toBeGreaterThan(a.seq);
    const [read] = await log.read({ after: a.seq - 1, limit: 1 });
    expect(read).toEqual({ ...first, seq: a.seq });
  });

  it('records a redelivered event once and answers with its first position', async () => {
    const event = notification('c-2', 'o-2', 'pending');
    const first = await log.append(event);
    expect(await log.append(event)).toEqual({ seq: first.seq, duplicate: true });
    expect(await log.read({ after: 0, limit: 100, orderId: 'o-2' })).toHaveLength(1);
  });

  it("reads one customer's or one order's entries after a position, in order", async () => {
    const mark = (await log.append(notification('c-3', 'o-3', 'pending'))).seq;
    await log.append(notification('c-4', 'o-4', 'pending'));
    await log.append(notification('c-3', 'o-3', 'confirmed'));
    await log.append(notification('c-3', 'o-5', 'pending'));

    const customer = await log.read({ after: mark, limit: 100, customerId: 'c-3' });
    expect(customer.map((n) => [n.orderId, n.status])).toEqual([
      ['o-3', 'confirmed'],
      ['o-5', 'pending'],
    ]);
    const order = await log.read({ after: 0, limit: 100, orderId: 'o-3' });
    expect(order.map((n) => n.status)).toEqual(['pending', 'confirmed']);
    expect(await log.read({ after: 0, limit: 1, customerId: 'c-3' })).toHaveLength(1);
  });
});
