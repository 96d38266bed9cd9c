import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { newEvent } from '../envelope.ts';
import { idempotent } from './processed-events.ts';
import { sqliteProcessedEvents } from './sqlite.ts';

function shipments() {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE shipments (order_id TEXT NOT NULL)');
  const processed = sqliteProcessedEvents(db);
  const handler = idempotent(processed, 'shipping', (event, tx) => {
    tx.prepare('INSERT INTO shipments (order_id) VALUES (?)').run(event.subject);
  });
  const count = () => (db.prepare('SELECT count(*) AS n FROM shipments').get() as { n: number }).n;
  return { db, processed, handler, count };
}

const placed = (subject: string) =>
  newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject, data: { subject } });

describe('idempotent consumer on SQLite', () => {
  it('applies an event delivered twice once', async () => {
    const { handler, count } = shipments();
    const event = placed('order-1');
    await handler(event);
    await handler(event);
    expect(count()).toBe(1);
  });

  it('applies concurrent deliveries of the same event once, and different events each once', async () => {
    const { handler, count } = shipments();
    const a = placed('order-a');
    const b = placed('order-b');
    await Promise.all([handler(a), handler(a), handler(b), handler(a), handler(b)]);
    expect(count()).toBe(2);
  });

  it('records nothing when the effect fails, so the redelivery applies it', async () => {
    const { processed, handler, count } = shipments();
    const event = placed('order-2');
    await expect(
      processed.once('shipping', event.id, (tx) => {
        tx.prepare('INSERT INTO shipments (order_id) VALUES (?)').run('half-done');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(count()).toBe(0);
    await handler(event);
    expect(count()).toBe(1);
  });

  it("never lets the service's other writes on the connection land inside a synchronous effect's transaction", async () => {
    const { db, handler, count } = shipments();
    // Another writer of the same service (an HTTP request storing an order), a microtask at a time.
    const otherWriter = async () => {
      for (let i = 0; i < 20; i++) {
        await null;
        db.exec('BEGIN IMMEDIATE');
        db.prepare('INSERT INTO shipments (order_id) VALUES (?)').run(`other-${i}`);
        db.exec('COMMIT');
      }
    };
    const events = Array.from({ length: 20 }, (_, i) => placed(`order-${i}`));
    await Promise.all([otherWriter(), ...events.map((event) => handler(event))]);
    expect(count()).toBe(40);
  });

  it('keeps separate records per consumer', async () => {
    const { processed } = shipments();
    expect(await processed.once('billing', 'event-1', () => {})).toBe(true);
    expect(await processed.once('shipping', 'event-1', () => {})).toBe(true);
    expect(await processed.once('billing', 'event-1', () => {})).toBe(false);
  });
});
