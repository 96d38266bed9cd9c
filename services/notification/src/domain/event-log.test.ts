import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '@commlab/events';
import { orderEvent } from '../../test/order-events.ts';
import { toEntry } from './event-log.ts';

describe('checking an incoming order event', () => {
  it('keeps what a customer is told: order, customer, status, type, time and the whole data', () => {
    const event = orderEvent('c-1', 'o-1', 'confirmed');
    expect(toEntry(event)).toEqual({
      eventId: event.id,
      type: 'commlab.order.confirmed.v1',
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'confirmed',
      time: event.time,
      data: event.data,
    });
  });

  const event = orderEvent('c-1', 'o-1');
  it.each([
    ['no customer', { ...event, data: { ...(event.data as object), customerId: undefined } }, /data\.customerId/],
    ['a type that is not an order change', { ...event, type: 'commlab.payment.taken.v1' }, /type must be one of/],
    ['no subject', { ...event, subject: '' }, /subject {2}is not order o-1/],
    [
      'a status that is not in the contract',
      { ...event, data: { ...(event.data as object), status: 'DROP TABLE' } },
      /data\.status must be one of/,
    ],
    ['a time that is not a timestamp', { ...event, time: 'yesterday' }, /time must be a timestamp/],
  ])('refuses an event with %s as poison, saying what is wrong', (_label, bad, reason) => {
    expect(() => toEntry(bad)).toThrow(PoisonEventError);
    expect(() => toEntry(bad)).toThrow(reason);
  });
});
