import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@commlab/kit';
import { callPolicy } from './call-policy.ts';
import { ResilienceSchema } from './config.ts';

class Unwell extends Error {}
class Refused extends Error {}
const quiet = { info: () => {}, warn: () => {} };
const inOneSecond = () => new Date(Date.now() + 1000);

function policy(settings: Record<string, string>) {
  return callPolicy({
    name: 'test',
    settings: loadConfig(ResilienceSchema, settings),
    logger: quiet,
    isFailure: (err) => err instanceof Unwell,
    isRetryable: (err) => err instanceof Unwell,
    openError: () => new Refused('open'),
    timeoutError: () => new Error('out of time'),
  });
}

describe('call policy', () => {
  it('retries an unwell dependency up to its attempt cap, never a refusal', async () => {
    const seam = policy({ RETRY_MAX_ATTEMPTS: '3', RETRY_BASE_MS: '1' });
    let calls = 0;
    await expect(
      seam.call(inOneSecond(), () => (calls++ === 0 ? Promise.reject(new Unwell()) : Promise.resolve())),
    ).resolves.toBeUndefined();
    expect(calls).toBe(2);
    calls = 0;
    await expect(seam.call(inOneSecond(), () => (calls++, Promise.reject(new Unwell())))).rejects.toThrow(Unwell);
    expect(calls).toBe(3);
    calls = 0;
    await expect(seam.call(inOneSecond(), () => (calls++, Promise.reject(new Error('no stock'))))).rejects.toThrow(
      'no stock',
    );
    expect(calls).toBe(1);
  });

  it('gives each attempt the earlier of the caller deadline and its own timeout', async () => {
    const seam = policy({ CALL_TIMEOUT_MS: '100' });
    const soon = new Date(Date.now() + 50);
    let given: Date | undefined;
    await seam.call(soon, async (deadline) => void (given = deadline));
    expect(given).toEqual(soon);
    const later = new Date(Date.now() + 10_000);
    await seam.call(later, async (deadline) => void (given = deadline));
    expect(given!.getTime()).toBeLessThanOrEqual(Date.now() + 100);
  });

  it('opens after its threshold, refuses without calling, and closes after a good trial call', async () => {
    const seam = policy({ BREAKER: 'opossum', BREAKER_VOLUME: '4', BREAKER_RESET_MS: '100' });
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Unwell()));
    for (let i = 0; i < 4; i++) await seam.call(inOneSecond(), failing).catch(() => {});
    expect(seam.report().breaker?.state).toBe('open');
    for (let i = 0; i < 10; i++) await expect(seam.call(inOneSecond(), failing)).rejects.toThrow(Refused);
    expect(calls).toBe(4);
    while (seam.report().breaker?.state === 'open') await sleep(10);
    expect(seam.report().breaker?.state).toBe('halfOpen');
    await seam.call(inOneSecond(), () => Promise.resolve());
    expect(seam.report().breaker?.transitions.map((t) => t.state)).toEqual(['closed', 'open', 'halfOpen', 'closed']);
    expect(seam.report().breaker?.counts).toMatchObject({ failures: 4, rejects: 10, successes: 1 });
    seam.close();
  });

  it('spends no retry on an open breaker', async () => {
    const seam = policy({ BREAKER: 'opossum', BREAKER_VOLUME: '1', RETRY_MAX_ATTEMPTS: '3', RETRY_BASE_MS: '1' });
    await seam.call(inOneSecond(), () => Promise.reject(new Unwell())).catch(() => {});
    await expect(seam.call(inOneSecond(), () => Promise.reject(new Unwell()))).rejects.toThrow(Refused);
    expect(seam.report().retry.refusedByBudget).toBe(0);
    seam.close();
  });
});

describe('retry budget at the seam', () => {
  it('spends a token only on a retry that is made', async () => {
    const seam = policy({ RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_MS: '1' });
    for (let i = 0; i < 3; i++) await seam.call(inOneSecond(), () => Promise.reject(new Unwell())).catch(() => {});
    expect(seam.report().retry).toMatchObject({ retried: 3, refusedByBudget: 0 });
  });
});

describe('bulkhead', () => {
  it('lets its cap of calls in, queues its queue, and refuses the rest at once', async () => {
    const seam = policy({ BULKHEAD_MAX_CONCURRENT: '2', BULKHEAD_QUEUE: '1' });
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const calls = Array.from({ length: 6 }, () =>
      seam
        .call(inOneSecond(), () => (started++, hung))
        .then(
          () => 'done',
          (err: Error) => err.message,
        ),
    );
    await sleep(10);
    expect(started).toBe(2);
    expect(seam.report().bulkhead).toMatchObject({ inFlight: 2, peakInFlight: 2, queued: 1, refused: 3 });
    release();
    expect(await Promise.all(calls)).toEqual(['done', 'done', 'done', 'open', 'open', 'open']);
    expect(started).toBe(3);
  });
});
