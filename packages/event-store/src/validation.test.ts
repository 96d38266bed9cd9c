import { describe, expect, it } from 'vitest';
import { InvalidAppendError } from './errors.ts';
import { validAppend } from './validation.ts';

const event = { type: 'test.noted.v1', data: { text: 'hi' } };
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err as InvalidAppendError;
  }
  throw new Error('expected a refusal');
};

describe('validAppend', () => {
  it('accepts a well-formed append and returns its events', () => {
    expect(validAppend('s-1', 0, [event])).toEqual([event]);
    expect(validAppend('s-1', 'any', [event, { ...event, metadata: { traceparent: 'x' } }])).toHaveLength(2);
  });

  it.each([
    ['an empty stream id', () => validAppend('', 0, [event]), 'streamId'],
    ['a stream id that is not a string', () => validAppend(7, 0, [event]), 'streamId'],
    ['a negative expected version', () => validAppend('s', -1, [event]), 'expectedVersion'],
    ['a fractional expected version', () => validAppend('s', 1.5, [event]), 'expectedVersion'],
    ['an expected version spelt wrong', () => validAppend('s', 'none', [event]), 'expectedVersion'],
    ['no events', () => validAppend('s', 0, []), 'events'],
    ['events that are not an array', () => validAppend('s', 0, event), 'events'],
    ['an event that is not an object', () => validAppend('s', 0, [event, 'x']), 'events[1]'],
    ['an event without a type', () => validAppend('s', 0, [{ data: {} }]), 'events[0].type'],
    ['an event without data', () => validAppend('s', 0, [{ type: 't' }]), 'events[0].data'],
    ['data JSON cannot carry', () => validAppend('s', 0, [{ type: 't', data: { n: 1n } }]), 'events[0].data'],
    ['metadata that is an array', () => validAppend('s', 0, [{ ...event, metadata: [] }]), 'events[0].metadata'],
    ['an id that is not a UUID', () => validAppend('s', 0, [{ ...event, id: 'order-1' }]), 'events[0].id'],
  ])('refuses %s, naming the field', (_case, run, field) => {
    const err = refusal(run);
    expect(err).toBeInstanceOf(InvalidAppendError);
    expect(err.field).toBe(field);
    expect(err.message.startsWith(`${field} `)).toBe(true);
  });

  it('refuses one id twice in one append, whatever its letter case', () => {
    const id = '0b1c5a4e-8a8f-4c1e-9d53-2f7a0f4b9c11';
    const err = refusal(() =>
      validAppend('s', 0, [
        { ...event, id },
        { ...event, id: id.toUpperCase() },
      ]),
    );
    expect(err.field).toBe('events[1].id');
    expect(err.message).toContain('repeats an id of this append');
  });
});
