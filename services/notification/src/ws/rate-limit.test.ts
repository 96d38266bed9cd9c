import { describe, expect, it } from 'vitest';
import { rateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  it('allows a burst of the rate, then refuses until time refills it', () => {
    let now = 0;
    const allow = rateLimiter(3, () => now);
    expect([allow(), allow(), allow(), allow()]).toEqual([true, true, true, false]);
    now += 334; // a third of a second brings back one message
    expect([allow(), allow()]).toEqual([true, false]);
  });
});
