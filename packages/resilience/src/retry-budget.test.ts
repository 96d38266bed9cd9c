import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.ts';

describe('retry budget', () => {
  it('allows retries as a share of calls once its starting tokens are spent', () => {
    const budget = new RetryBudget(10, { initial: 2 });
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    for (let i = 0; i < 100; i++) budget.called();
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (budget.tryRetry()) allowed++;
    expect(allowed).toBe(10);
    expect(budget.retried).toBe(12);
  });

  it('never saves up more than its cap in a calm spell', () => {
    const budget = new RetryBudget(50, { initial: 0, max: 3 });
    for (let i = 0; i < 1000; i++) budget.called();
    let allowed = 0;
    while (budget.tryRetry()) allowed++;
    expect(allowed).toBe(3);
  });

  it('allows none at 0 %', () => {
    const budget = new RetryBudget(0);
    budget.called();
    expect(budget.tryRetry()).toBe(false);
  });
});
