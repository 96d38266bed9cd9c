import { beforeEach, describe, expect, it } from 'vitest';
import { processedEvents } from '@commlab/events';
import { sqliteDatabase } from '@commlab/sql';
import { orderEvent } from '../../test/order-events.ts';
import { sqlEventLog } from '../store/sql-event-log.ts';
import { toEntry, type EventLog, type LogEntry } from './event-log.ts';
import { Fanout, type Sink } from './fanout.ts';

const placed = (customerId: string, orderId: string) => toEntry(orderEvent(customerId, orderId));

/** A sink that records what it gets; `full` makes it report a backlog. */
function recordingSink(full = () => false) {
  const sink = {
    started: [] as number[],
    got: [] as number[],
    overflowedAt: undefined as number | undefined,
  };
  const asSink: Sink = {
    started: (after) => sink.started.push(after),
    push: (entry: LogEntry) => {
      sink.got.push(entry.id);
      return full();
    },
    drained: async () => {},
    overflow: (lastId) => (sink.overflowedAt = lastId),
  };
  return { sink, asSink };
}

describe('fan-out of the event log to streams', () => {
  let log: EventLog;
  beforeEach(async () => {
    const db = sqliteDatabase(':memory:');
    log = await sqlEventLog(db, await processedEvents(db));
  });

  it('replays what a stream missed, then sends live entries, with no gap or duplicate', async () => {
    const fanout = new Fanout(log);
    for (let i = 0; i < 3; i++) await log.append(placed('c-1', `o-${i}`));
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 1 }, asSink);
    await log.append(placed('c-1', 'o-3'));
    await log.append(placed('c-2', 'o-4'));
    expect(sink.started).toEqual([1]);
    expect(sink.got).toEqual([2, 3, 4]);
  });

  it('keeps entries appended during the replay and sends each exactly once', async () => {
    for (let i = 0; i < 3; i++) await log.append(placed('c-1', `o-${i}`));
    // Each replay read lets a new entry land in between, as a busy broker would.
    const busy: EventLog = {
      ...log,
      read: async (query) => {
        const page = await log.read(query);
        await log.append(placed('c-1', `during-${query.after}`));
        return page;
      },
    };
    const fanout = new Fanout(busy);
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 0 }, asSink);
    await log.append(placed('c-1', 'after'));
    expect(sink.got).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts at the head when the stream names no id', async () => {
    const fanout = new Fanout(log);
    await log.append(placed('c-1', 'old'));
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', {}, asSink);
    await log.append(placed('c-1', 'new'));
    expect(sink).toMatchObject({ started: [1], got: [2] });
  });

  it('sends only the orders asked for', async () => {
    const fanout = new Fanout(log);
    const { sink, asSink } = recordingSink();
    await fanout.open('c-1', { after: 0, orders: ['keep'] }, asSink);
    await log.append(placed('c-1', 'skip'));
    await log.append(placed('c-1', 'keep'));
    expect(sink.got).toEqual([2]);
  });

  it('overflows a live stream whose client is behind, and sends it nothing more', async () => {
    const fanout = new Fanout(log);
    const { sink, asSink } = recordingSink(() => true);
    await fanout.open('c-1', { after: 0 }, asSink);
    await log.append(placed('c-1', 'a'));
    await log.append(placed('c-1', 'b'));
    expect(sink).toMatchObject({ got: [1], overflowedAt: 1 });
    expect(fanout.streams).toBe(0);
  });
});
