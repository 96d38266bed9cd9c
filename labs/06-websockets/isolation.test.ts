import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeCodes } from '@commlab/push';
import { labForThisFile } from '@commlab/lab/testing';
import { inject, orderEvent, subscribed, until, type RecordingSocket } from './push-helpers.ts';

// A small buffer limit, so a client that stops reading is caught after a few thousand events;
// heartbeats far apart, so it is the buffer limit that catches it, not a missed pong.
const settings = { PUSH_MAX_BUFFERED_BYTES: '65536', PUSH_HEARTBEAT_MS: '600000' };
/** Long ids make each event bigger, so the kernel's socket buffers fill with fewer of them. */
const longId = (prefix: string) => `${prefix}-${randomUUID()}-${randomUUID()}`.slice(0, 64);

describe('lab 06-websockets: one client never costs another', () => {
  const lab = labForThisFile('06-websockets', { env: { notification: settings } });

  it(
    'closes a client that stops reading with 4409, while another client keeps getting every event',
    { timeout: 90_000 },
    async () => {
      const slowCustomer = longId('slow');
      const fastCustomer = longId('fast');
      const slow = await subscribed(lab, slowCustomer);
      const fast = await subscribed(lab, fastCustomer);
      slow.socket.pause(); // stop reading: the server's unsent bytes for this client pile up

      const overflowed = async () =>
        (await lab.logs('notification')).some((line) => line.includes('slow consumer: closing 4409'));
      const fastIds: number[] = [];
      for (let round = 0; round < 40 && !(await overflowed()); round++) {
        await inject(
          lab.url('notification'),
          Array.from({ length: 2000 }, () => orderEvent(slowCustomer, longId('order'))),
        );
        fastIds.push(...(await inject(lab.url('notification'), [orderEvent(fastCustomer, `f-${round}`)])));
      }
      expect(await overflowed()).toBe(true);
      await until(() => fast.events().length === fastIds.length, 'the fast client got every event');
      expect(fast.events().map((e) => e.id)).toEqual(fastIds);

      slow.socket.resume();
      const { code, reason } = await slow.closed;
      expect(code).toBe(closeCodes.slowConsumer);
      // What it read before the close ends exactly at the id the close reason names...
      const lastId = Number(/^slow consumer: resume after (\d+)$/.exec(reason)?.[1]);
      const got = slow.events().map((e) => e.id);
      expect(got.at(-1)).toBe(lastId);
      expect(new Set(got).size).toBe(got.length);
      // ...and resuming after it continues with the next one.
      const missed = await inject(lab.url('notification'), [orderEvent(slowCustomer, 'after-the-close')]);
      const resumed = await subscribed(lab, slowCustomer, { after: lastId });
      await until(() => resumed.events().some((e) => e.id === missed[0]), 'the resumed client caught up');
      expect(resumed.events()[0]!.id).toBeGreaterThan(lastId);
      expect(resumed.events().every((e, i, all) => i === 0 || e.id > all[i - 1]!.id)).toBe(true);
      resumed.socket.close();
      fast.socket.close();
    },
  );

  it('serves 1,000 concurrent clients, each receiving only its own events', async () => {
    const run = randomUUID().slice(0, 8);
    const customers = Array.from({ length: 1000 }, (_, i) => `crowd-${run}-${i}`);
    const clients: RecordingSocket[] = [];
    for (let i = 0; i < customers.length; i += 100) {
      clients.push(...(await Promise.all(customers.slice(i, i + 100).map((c) => subscribed(lab, c)))));
    }
    const ids = await inject(
      lab.url('notification'),
      customers.flatMap((customer) => [
        orderEvent(customer, `${customer}-a`),
        orderEvent(customer, `${customer}-b`, 'confirmed'),
      ]),
    );
    await until(
      () => clients.every((client) => client.events().length >= 2),
      'every client got its two events',
      60_000,
    );

    clients.forEach((client, i) => {
      expect(client.events().map((e) => [e.customerId, e.orderId, e.status])).toEqual([
        [customers[i], `${customers[i]}-a`, 'pending'],
        [customers[i], `${customers[i]}-b`, 'confirmed'],
      ]);
    });
    const delivered = clients.flatMap((client) => client.events().map((e) => e.id)).sort((a, b) => a - b);
    expect(delivered).toEqual(ids);
    for (const client of clients) client.socket.close();
  }, 120_000);
});
