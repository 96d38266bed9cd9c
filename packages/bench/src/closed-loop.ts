import { ErrorCounts, errorKind } from './errors.ts';
import { Latencies } from './histogram.ts';
import { defaultTimeoutMs, type RunBounds, type Send } from './open-loop.ts';
import { measured, type RunResult } from './result.ts';

export interface ClosedLoopOptions extends RunBounds {
  /** Workers, each sending its next request only once its previous one is done. */
  concurrency: number;
}

/**
 * Closed loop: `concurrency` workers, each sending its next request as soon as its previous
 * one is done, latency counted from the actual send. It finds the most a target can do at
 * that concurrency (its req/s), but it waits whenever the server stalls, so a stall hides
 * in its percentiles: the requests it would have sent meanwhile were never sent.
 */
export async function closedLoop(send: Send, options: ClosedLoopOptions): Promise<RunResult> {
  const { concurrency, durationMs, warmupMs = 0, timeoutMs = defaultTimeoutMs } = options;
  if (!(concurrency >= 1)) throw new Error(`closed loop: concurrency must be at least 1 (got ${concurrency})`);
  const maxRequests = options.maxRequests ?? Infinity;
  const latencies = new Latencies();
  const errors = new ErrorCounts();
  const start = performance.now();
  const measuredFrom = start + warmupMs;
  const end = measuredFrom + durationMs;
  let seq = 0;
  let sent = 0;
  let ok = 0;
  let lastDone = measuredFrom;

  const once = async (request: { seq: number; intendedAt: number }) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), timeoutMs);
    });
    try {
      await Promise.race([send(request), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const worker = async () => {
    while (seq < maxRequests) {
      const sentAt = performance.now();
      if (sentAt >= end) return;
      const request = { seq: seq++, intendedAt: sentAt };
      const measured = sentAt >= measuredFrom;
      if (measured) sent++;
      try {
        await once(request);
        const now = performance.now();
        if (measured) {
          ok++;
          latencies.record(now - sentAt);
          lastDone = now;
        }
      } catch (err) {
        if (measured) {
          errors.count(errorKind(err));
          lastDone = performance.now();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const windowMs = Math.max(lastDone, Math.min(end, performance.now())) - measuredFrom;
  return { ...measured('closed', { sent, ok, errors, latencies, windowMs }), concurrency };
}
