import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newEvent } from '@commlab/events';
import { FeedError } from '../domain/feed.ts';
import { sqliteFeed } from './sqlite-feed.ts';

const placed = (customerId: string, orderId: string) =>
  newEvent({ source: '/commlab/order', type: 'commlab.order.placed.v1', subject: orderId, data: { customerId } });

describe('SQLite feed', () => {
  it('stores a redelivered event once and answers its first id', async () => {
    const feed = sqliteFeed(':memory:');
    const event = placed('c-1', 'o-1');
    const first = await feed.append(event);
    expect(await feed.append(event)).toBe(first);
    expect(await feed.read('c-1', 0, 10)).toHaveLength(1);
    await feed.close();
  });

  it("reads one customer's entries after an id, oldest first", async () => {
    const feed = sqliteFeed(':memory:');
    const a = await feed.append(placed('c-1', 'o-1'));
    await feed.append(placed('c-2', 'o-2'));
    const c = await feed.append({ ...placed('c-1', 'o-1'), type: 'commlab.order.shipped.v1' });
    expect((await feed.read('c-1', 0, 10)).map((e) => [e.id, e.status])).toEqual([
      [a, 'placed'],
      [c, 'shipped'],
    ]);
    expect((await feed.read('c-1', a, 10)).map((e) => e.id)).toEqual([c]);
    await feed.close();
  });

  it('keeps its ids across a reopen, and never reuses one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'commlab-feed-')), 'feed.sqlite');
    const before = sqliteFeed(file);
    const first = await before.append(placed('c-1', 'o-1'));
    await before.close();
    const after = sqliteFeed(file);
    expect(await after.head()).toBe(first);
    expect(await after.append(placed('c-1', 'o-2'))).toBeGreaterThan(first);
    await after.close();
  });

  it('tells listeners about new entries only', async () => {
    const feed = sqliteFeed(':memory:');
    const seen: number[] = [];
    feed.subscribe((entry) => seen.push(entry.id));
    const event = placed('c-1', 'o-1');
    await feed.append(event);
    await feed.append(event);
    expect(seen).toEqual([1]);
    await feed.close();
  });

  it.each([
    ['no customer', { ...placed('c-1', 'o-1'), data: {} }],
    ['a type that is not an order change', { ...placed('c-1', 'o-1'), type: 'commlab.payment.taken.v1' }],
    ['no subject', { ...placed('c-1', 'o-1'), subject: '' }],
    ['a status that is not a word', { ...placed('c-1', 'o-1'), data: { customerId: 'c-1', status: 'DROP TABLE' } }],
  ])('refuses an event with %s and stores nothing', async (_label, event) => {
    const feed = sqliteFeed(':memory:');
    await expect(feed.append(event)).rejects.toBeInstanceOf(FeedError);
    expect(await feed.head()).toBe(0);
    await feed.close();
  });
});
