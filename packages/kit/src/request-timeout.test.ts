import { describe, expect, it } from 'vitest';
import { requestTimeoutFrom } from './request-timeout.ts';

describe('Request-Timeout header', () => {
  it('reads whole milliseconds, and nothing when the header is absent', () => {
    expect(requestTimeoutFrom('1500')).toBe(1500);
    expect(requestTimeoutFrom(['250', '9'])).toBe(250);
    expect(requestTimeoutFrom(undefined)).toBeUndefined();
  });

  it.each([['abc'], ['0'], ['-5'], ['1.5'], ['1500ms'], ['600001'], ['']])('refuses %j, naming the rule', (value) => {
    expect(() => requestTimeoutFrom(value)).toThrow(/request-timeout must be a whole number of milliseconds/);
  });
});
