import { describe, expect, it } from 'vitest';
import { RequestError } from './errors.ts';
import { openLoop, type BenchRequest } from './open-loop.ts';

describe('openLoop', () => {
  it('sends exactly rate × duration requests, each meant to leave one interval after the previous', async () => {
    const seen: BenchRequest[] = [];
    const result = await openLoop(async (request) => void seen.push(request), { rate: 200, durationMs: 500 });
    expect(seen).toHaveLength(100);
    expect(result.sent).toBe(100);
    expect(result.ok).toBe(100);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.intendedAt - seen[i - 1]!.intendedAt).toBeCloseTo(5, 6);
      expect(seen[i]!.seq).toBe(i);
    }
  });

  it('never sends a request before its intended time, and takes at least the scheduled duration', async () => {
    const lateBy: number[] = [];
    const started = performance.now();
    await openLoop(async ({ intendedAt }) => void lateBy.push(performance.now() - intendedAt), {
      rate: 100,
      durationMs: 300,
    });
    expect(Math.min(...lateBy)).toBeGreaterThanOrEqual(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stops after maxRequests, warm-up included', async () => {
    let calls = 0;
    await openLoop(async () => void calls++, { rate: 1_000, durationMs: 10_000, maxRequests: 50 });
    expect(calls).toBe(50);
  });

  it('sends warm-up requests at the same rate but counts none of them', async () => {
    let calls = 0;
    const result = await openLoop(async () => void calls++, { rate: 200, durationMs: 250, warmupMs: 250 });
    expect(calls).toBe(100);
    expect(result.sent).toBe(50);
    expect(result.latency.count).toBe(50);
  });

  it('counts failures by kind, and a request that outlives its timeout as "timeout"', async () => {
    const result = await openLoop(
      async ({ seq }) => {
        if (seq % 4 === 1) throw new RequestError('http 503');
        if (seq % 4 === 2) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        if (seq % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 1_000));
      },
      { rate: 400, durationMs: 100, timeoutMs: 50 },
    );
    expect(result.sent).toBe(40);
    expect(result.ok).toBe(10);
    expect(result.errors).toEqual({ 'http 503': 10, ECONNREFUSED: 10, timeout: 10 });
  });

  it('times latency from the intended send time, so a stalled client shows in the numbers', async () => {
    // The request at seq 10 blocks the event loop for 200 ms: the ones meant to leave meanwhile
    // leave late, and their latency includes the wait, as their users would have felt it.
    const result = await openLoop(
      async ({ seq }) => {
        if (seq === 10) {
          const until = performance.now() + 200;
          while (performance.now() < until);
        }
      },
      { rate: 100, durationMs: 1_000 },
    );
    expect(result.latency.max).toBeGreaterThanOrEqual(190);
    expect(result.latency.p90).toBeGreaterThanOrEqual(100);
    expect(result.sendLag!.max).toBeGreaterThanOrEqual(190);
  });

  it('refuses a rate that is not a positive number', async () => {
    await expect(openLoop(async () => {}, { rate: 0, durationMs: 100 })).rejects.toThrow(/rate must be a positive/);
  });

  it('counts requests beyond maxInFlight as "client backlog" instead of queueing them without bound', async () => {
    const result = await openLoop(() => new Promise((resolve) => setTimeout(resolve, 200)), {
      rate: 1_000,
      durationMs: 50,
      maxInFlight: 10,
    });
    expect(result.errors['client backlog']).toBe(40);
    expect(result.ok).toBe(10);
  });
});
