import { describe, expect, it } from 'vitest';
import { newEvent } from '@commlab/events';
import { sqliteFeed } from '../store/sqlite-feed.ts';
import { Fanout, type Sink } from './fanout.ts';
import type { Feed, FeedEntry } from './feed.ts';

const placed = (customerId: string, orderId: string) =>
  newEvent({ source: '/commlab/order', type: 'commlab.order.placed.v1', subject: orderId, data: { customerId } });

/** A sink that records what it gets; `full` makes it report a backlog. */
function recordingSink(full = () => false) {
  const sink = {
    started: [] as number[],
    got: [] as number[],
    overflowedAt: undefined as number | undefined,
  };
  const asSink: Sink = {
    started: (after) => sink.started.push(after),
    push: (entry: FeedEntry) => {
      sink.got.push(entry.id);
      return full();
    },
    drained: async () => {},
    overflow: (lastId) => (sink.overflowedAt = lastId),
  };
  return { sink, asSink };
}

describe('fan-out of the feed to streams', () => {
  it('replays what a stream missed, then sends live entries, with no gap or duplicate', async () => {
    const feed = sqliteFeed(':memory:');
    const fanout = new Fanout(feed);
    for (let i = 0; i < 3; i++) await feed.append(placed('c-1', `o-${i}`));
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 1 }, asSink);
    await feed.append(placed('c-1', 'o-3'));
    await feed.append(placed('c-2', 'o-4'));
    expect(sink.started).toEqual([1]);
    expect(sink.got).toEqual([2, 3, 4]);
    await feed.close();
  });

  it('keeps entries appended during the replay and sends each exactly once', async () => {
    const real = sqliteFeed(':memory:');
    for (let i = 0; i < 3; i++) await real.append(placed('c-1', `o-${i}`));
    // Each replay read lets a new entry land in between, as a busy broker would.
    const feed: Feed = {
      ...real,
      read: async (customerId, afterId, limit) => {
        const page = await real.read(customerId, afterId, limit);
        await real.append(placed('c-1', `during-${afterId}`));
        return page;
      },
    };
    const fanout = new Fanout(feed);
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 0 }, asSink);
    await real.append(placed('c-1', 'after'));
    expect(sink.got).toEqual([1, 2, 3, 4, 5]);
    await real.close();
  });

  it('starts at the head when the stream names no id', async () => {
    const feed = sqliteFeed(':memory:');
    const fanout = new Fanout(feed);
    await feed.append(placed('c-1', 'old'));
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', {}, asSink);
    await feed.append(placed('c-1', 'new'));
    expect(sink).toMatchObject({ started: [1], got: [2] });
    await feed.close();
  });

  it('sends only the orders asked for', async () => {
    const feed = sqliteFeed(':memory:');
    const fanout = new Fanout(feed);
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 0, orders: ['keep'] }, asSink);
    await feed.append(placed('c-1', 'skip'));
    await feed.append(placed('c-1', 'keep'));
    expect(sink.got).toEqual([2]);
    await feed.close();
  });

  it('overflows a live stream whose client is behind, and sends it nothing more', async () => {
    const feed = sqliteFeed(':memory:');
    const fanout = new Fanout(feed);
    const { sink, asSink } = recordingSink(() => true);
    await fanout.open('c-1', { after: 0 }, asSink);
    await feed.append(placed('c-1', 'a'));
    await feed.append(placed('c-1', 'b'));
    expect(sink).toMatchObject({ got: [1], overflowedAt: 1 });
    expect(fanout.streams).toBe(0);
    await feed.close();
  });
});
