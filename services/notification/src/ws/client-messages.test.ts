import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './client-messages.ts';

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('client frames', () => {
  it('reads a subscribe with a resume id and an order filter', () => {
    expect(parseClientFrame(text({ type: 'subscribe', after: 7, orders: ['o-1'] }), false)).toEqual({
      ok: true,
      message: { type: 'subscribe', after: 7, orders: ['o-1'] },
    });
  });

  it.each([
    ['a binary frame', Buffer.from([0]), true, 'BINARY_NOT_SUPPORTED', true],
    ['text that is not JSON', text('{'), false, 'INVALID_JSON', true],
    ['a JSON array', text([1]), false, 'INVALID_MESSAGE', false],
    ['an unknown type', text({ type: 'hello' }), false, 'UNKNOWN_TYPE', false],
    ['a fractional resume id', text({ type: 'subscribe', after: 1.5 }), false, 'INVALID_MESSAGE', false],
    ['a resume id given as text', text({ type: 'subscribe', after: '3' }), false, 'INVALID_MESSAGE', false],
    ['an order id that is not text', text({ type: 'subscribe', orders: [5] }), false, 'INVALID_MESSAGE', false],
    [
      'more than 100 orders',
      text({ type: 'subscribe', orders: Array(101).fill('o') }),
      false,
      'INVALID_MESSAGE',
      false,
    ],
  ])('refuses %s with %s', (_label, data, binary, code, fatal) => {
    expect(parseClientFrame(data, binary)).toMatchObject({ ok: false, code, fatal });
  });
});
