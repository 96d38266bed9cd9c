import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCounts, errorKind } from './errors.ts';
import { Latencies } from './histogram.ts';
import { measured, type RunResult } from './result.ts';

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
  let lastDone = measuredFrom;
  // In flight: seq → when it was meant to leave. One sweep timer finds the overdue ones, where
  // a timer and a race per request would cost the generator more than some servers' requests.
  const inFlight = new Map<number, { intendedAt: number; measured: boolean }>();
  let drained: (() => void) | undefined;
  const settle = (seq: number, outcome: 'ok' | { kind: string }) => {
    const request = inFlight.get(seq);
    if (!request) return; // timed out already
    inFlight.delete(seq);
    const now = performance.now();
    if (request.measured) {
      if (outcome === 'ok') {
        ok++;
        latencies.record(now - request.intendedAt);
      } else errors.count(outcome.kind);
      lastDone = Math.max(lastDone, now);
    }
    if (inFlight.size === 0) drained?.();
  };
  const sweep = setInterval(
    () => {
      const overdue = performance.now() - timeoutMs;
      for (const [seq, { intendedAt }] of inFlight) if (intendedAt < overdue) settle(seq, { kind: 'timeout' });
    },
    Math.min(100, Math.max(1, timeoutMs / 4)),
  );

  const fire = (seq: number, intendedAt: number) => {
    const measured = intendedAt >= measuredFrom;
    if (measured) {
      sent++;
      lag.record(performance.now() - intendedAt);
    }
    if (inFlight.size >= maxInFlight) {
      if (measured) errors.count('client backlog');
      return;
    }
    inFlight.set(seq, { intendedAt, measured });
    let sending: Promise<unknown>;
    try {
      sending = send({ seq, intendedAt });
    } catch (err) {
      sending = Promise.reject(err);
    }
    sending.then(
      () => settle(seq, 'ok'),
      (err: unknown) => settle(seq, { kind: errorKind(err) }),
    );
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
    // Sleep at least 1 ms even when the next request is due sooner: spinning on setImmediate
    // would burn a core the server under test needs. Requests then leave in small bursts, and
    // each is still timed from its own intended time.
    if (seq < total) await sleep(Math.max(1, Math.ceil(start + seq * interval - performance.now())));
  }
  const scheduleEnd = start + total * interval;
  if (inFlight.size > 0) await new Promise<void>((resolve) => (drained = resolve));
  clearInterval(sweep);
  const windowMs = Math.max(scheduleEnd, lastDone) - measuredFrom;
  return { ...measured('open', { sent, ok, errors, latencies, windowMs }), offeredRate: rate, sendLag: lag.summary() };
}
