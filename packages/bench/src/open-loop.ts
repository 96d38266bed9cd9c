import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCounts, errorKind } from './errors.ts';
import { Latencies } from './histogram.ts';
import type { RunResult } from './result.ts';

/** One request of a run: its number and when the schedule meant it to leave (performance.now() ms). */
export interface BenchRequest {
  seq: number;
  intendedAt: number;
}

/**
 * Sends one request and resolves when it is done (an answer arrived, a message was consumed).
 * Rejects on failure, ideally with a RequestError naming its kind.
 */
export type Send = (request: BenchRequest) => Promise<unknown>;

export interface RunBounds {
  /** How long the measured part runs. */
  durationMs: number;
  /** Runs first at the same load and is not counted (connections, JIT, caches warm up). */
  warmupMs?: number;
  /** Stops earlier once this many requests (warm-up included) were started. */
  maxRequests?: number;
  /** A request not done after this long counts as a "timeout" failure. */
  timeoutMs?: number;
}

export interface OpenLoopOptions extends RunBounds {
  /** Requests per second, sent on a fixed schedule whatever the answers do. */
  rate: number;
  /** Requests not yet answered beyond this many are not sent and count as "client backlog". */
  maxInFlight?: number;
}

export const defaultTimeoutMs = 10_000;

/**
 * Open loop: requests leave at a fixed arrival rate, on schedule whether or not earlier ones
 * were answered, and each latency counts from the moment its request was MEANT to leave. A
 * server that stalls for a second therefore shows a second of latency for every request that
 * arrived meanwhile — what its users would see — instead of one slow request and a pause in
 * sending (coordinated omission, which a closed loop suffers by design).
 */
export async function openLoop(send: Send, options: OpenLoopOptions): Promise<RunResult> {
  const { rate, durationMs, warmupMs = 0, timeoutMs = defaultTimeoutMs, maxInFlight = 10_000 } = options;
  if (!(rate > 0)) throw new Error(`open loop: rate must be a positive number of requests per second (got ${rate})`);
  if (!(durationMs > 0)) throw new Error(`open loop: durationMs must be positive (got ${durationMs})`);
  const interval = 1_000 / rate;
  const scheduled = Math.ceil(((warmupMs + durationMs) * rate) / 1_000);
  const total = Math.min(scheduled, options.maxRequests ?? Infinity);
  const latencies = new Latencies();
  const lag = new Latencies();
  const errors = new ErrorCounts();
  const start = performance.now();
  const measuredFrom = start + warmupMs;
  let sent = 0;
  let ok = 0;
  let inFlight = 0;
  let lastDone = measuredFrom;
  const pending = new Set<Promise<void>>();

  const fire = (seq: number, intendedAt: number) => {
    const measured = intendedAt >= measuredFrom;
    if (measured) {
      sent++;
      lag.record(performance.now() - intendedAt);
    }
    if (inFlight >= maxInFlight) {
      if (measured) errors.count('client backlog');
      return;
    }
    inFlight++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), timeoutMs);
    });
    const done = Promise.race([Promise.resolve().then(() => send({ seq, intendedAt })), timeout]).then(
      () => {
        const now = performance.now();
        if (!measured) return;
        ok++;
        latencies.record(now - intendedAt);
        lastDone = Math.max(lastDone, now);
      },
      (err: unknown) => {
        if (!measured) return;
        errors.count(errorKind(err));
        lastDone = Math.max(lastDone, performance.now());
      },
    );
    const settled = done.finally(() => {
      clearTimeout(timer);
      inFlight--;
      pending.delete(settled);
    });
    pending.add(settled);
  };

  // Every tick sends all requests whose time has come; latencies start at the intended time,
  // so the bursts a coarse timer makes cost nothing in accuracy.
  let seq = 0;
  while (seq < total) {
    const now = performance.now();
    while (seq < total && start + seq * interval <= now) {
      fire(seq, start + seq * interval);
      seq++;
    }
    if (seq < total) {
      const wait = start + seq * interval - performance.now();
      await (wait >= 1 ? sleep(Math.floor(wait)) : new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }
  const scheduleEnd = start + total * interval;
  await Promise.all(pending);
  const windowMs = Math.max(scheduleEnd, lastDone) - measuredFrom;
  return {
    mode: 'open',
    offeredRate: rate,
    achievedRate: windowMs > 0 ? (ok * 1_000) / windowMs : 0,
    sent,
    ok,
    errors: errors.toJSON(),
    durationMs: windowMs,
    latency: latencies.summary(),
    spectrum: latencies.spectrum(),
    sendLag: lag.summary(),
    histogram: latencies,
  };
}
