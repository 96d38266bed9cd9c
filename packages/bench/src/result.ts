import type { ErrorCounts } from './errors.ts';
import type { Latencies, LatencySummary, SpectrumPoint } from './histogram.ts';

export type LoopMode = 'open' | 'closed';

/** What one bounded run measured (warm-up excluded). */
export interface RunResult {
  mode: LoopMode;
  /** Requests per second the schedule asked for (open loop); closed loop offers whatever it gets. */
  offeredRate?: number;
  /** Successful requests per second over the measured window. */
  achievedRate: number;
  /** Requests started in the measured window (successes + failures). */
  sent: number;
  ok: number;
  /** Failures by kind. */
  errors: Record<string, number>;
  /** The measured window, from the first measured request to the last answer, in ms. */
  durationMs: number;
  /** Open loop: latency from each request's intended send time; closed loop: from its actual send. */
  latency: LatencySummary;
  spectrum: SpectrumPoint[];
  /**
   * Open loop: how late the generator sent requests against their schedule. A large lag means
   * the generator itself was saturated (its numbers then include its own queueing).
   */
  sendLag?: LatencySummary;
  /** Concurrency of a closed loop (connections or workers). */
  concurrency?: number;
  /** The raw histogram, when the run kept one (for merging rounds). */
  histogram?: Latencies;
}

/** What either loop counted over its measured window, as a result (the loop adds its own fields). */
export function measured(
  mode: LoopMode,
  counted: { sent: number; ok: number; errors: ErrorCounts; latencies: Latencies; windowMs: number },
): RunResult {
  const { sent, ok, errors, latencies, windowMs } = counted;
  return {
    mode,
    achievedRate: windowMs > 0 ? (ok * 1_000) / windowMs : 0,
    sent,
    ok,
    errors: errors.toJSON(),
    durationMs: windowMs,
    latency: latencies.summary(),
    spectrum: latencies.spectrum(),
    histogram: latencies,
  };
}
