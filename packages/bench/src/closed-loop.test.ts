import { describe, expect, it } from 'vitest';
import { closedLoop } from './closed-loop.ts';

describe('closedLoop', () => {
  it('keeps exactly `concurrency` requests in flight and sends the next only when one is done', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await closedLoop(
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
      },
      { concurrency: 4, durationMs: 200 },
    );
    expect(most).toBe(4);
    expect(result.concurrency).toBe(4);
    expect(result.ok).toBe(result.sent);
    expect(result.offeredRate).toBeUndefined();
  });

  it('stops after maxRequests', async () => {
    let calls = 0;
    const result = await closedLoop(async () => void calls++, { concurrency: 3, durationMs: 10_000, maxRequests: 30 });
    expect(calls).toBe(30);
    expect(result.ok).toBe(30);
  });

  it('times from the actual send: a stall costs one slow request per worker, not the requests never sent', async () => {
    const result = await closedLoop(
      async ({ seq }) => {
        await new Promise((resolve) => setTimeout(resolve, seq === 5 ? 300 : 1));
      },
      { concurrency: 1, durationMs: 600 },
    );
    expect(result.latency.max).toBeGreaterThanOrEqual(290);
    expect(result.latency.p90).toBeLessThan(100);
  });
});
