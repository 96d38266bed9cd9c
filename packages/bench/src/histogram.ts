import { build, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles of one run, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One point of a percentile spectrum: the latency that `percentile` per cent of requests stayed under. */
export interface SpectrumPoint {
  percentile: number;
  ms: number;
}

// Microseconds, up to an hour, 3 significant digits: a latency of 12.345 ms is kept as 12.3 ms,
// one of 1 s as 1.00 s. Integers keep the histogram exact within its precision.
const microsPerMs = 1_000;
const highestMicros = 3_600_000_000;

/**
 * Latencies of one run in an HdrHistogram (hdr-histogram-js): constant memory whatever the
 * request count, and every percentile up to the maximum kept, where averages and sampled
 * percentiles hide the tail.
 */
export class Latencies {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: highestMicros,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  record(ms: number): void {
    const micros = Math.round(ms * microsPerMs);
    this.#histogram.recordValue(Math.min(Math.max(micros, 1), highestMicros));
  }

  /** Adds every value of another histogram (e.g. the rounds of one target). */
  add(other: Latencies): void {
    this.#histogram.add(other.#histogram);
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  /** The latency at a percentile (0–100), in ms. */
  at(percentile: number): number {
    return this.count === 0 ? 0 : this.#histogram.getValueAtPercentile(percentile) / microsPerMs;
  }

  summary(): LatencySummary {
    const h = this.#histogram;
    if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    return {
      count: h.totalCount,
      min: h.minNonZeroValue / microsPerMs,
      mean: h.mean / microsPerMs,
      p50: this.at(50),
      p90: this.at(90),
      p99: this.at(99),
      p999: this.at(99.9),
      max: h.maxValue / microsPerMs,
    };
  }

  /**
   * The percentile spectrum: latency at 0, 50, 75, 87.5 … per cent — each step halving what
   * is left — up to the maximum. Plotted on a "nines" axis it shows the whole tail.
   */
  spectrum(): SpectrumPoint[] {
    if (this.count === 0) return [];
    return spectrumPercentiles(this.count).map((percentile) => ({ percentile, ms: this.at(percentile) }));
  }
}

/**
 * 0, 50, 75, 87.5 … (four steps per halving, so the curve is smooth) while what is left above
 * a step still holds at least one of `count` requests, then 100.
 */
export function spectrumPercentiles(count: number, stepsPerHalving = 4): number[] {
  const points: number[] = [];
  for (let step = 0; ; step++) {
    const left = 100 * 2 ** (-step / stepsPerHalving);
    if ((left / 100) * count < 1) break;
    points.push(100 - left);
  }
  points.push(100);
  return points;
}
