import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PoisonEventError, processedEvents } from '@commlab/events';
import { sqliteDatabase } from '@commlab/sql';
import { orderEvent } from '../../test/order-events.ts';
import { sqlEventLog } from '../store/sql-event-log.ts';
import { orderEventHandler } from './order-events.ts';

async function handlerAndLog() {
  const db = sqliteDatabase(':memory:');
  const log = await sqlEventLog(db, await processedEvents(db));
  return { log, handle: orderEventHandler({ log, logger: pino({ level: 'silent' }) }) };
}

describe('order events arriving at notification', () => {
  it('appends each delivered event to the log once, however often it comes', async () => {
    const { log, handle } = await handlerAndLog();
    const event = orderEvent('c-1', 'o-1');
    await handle(event);
    await handle(event);
    expect(await log.read({ after: 0, limit: 10 })).toMatchObject([{ id: 1, eventId: event.id, status: 'pending' }]);
  });

  it('refuses an event the contract does not allow as poison and stores nothing', async () => {
    const { log, handle } = await handlerAndLog();
    const event = orderEvent('c-1', 'o-1');
    await expect(handle({ ...event, data: { customerId: 'c-1' } })).rejects.toBeInstanceOf(PoisonEventError);
    expect(await log.head()).toBe(0);
  });
});
