import { machine, type Machine } from './machine.ts';
import type { LatencySummary, SpectrumPoint } from './histogram.ts';
import type { RunResult } from './result.ts';

/** One measured run in a report; `baseline` names the row it is compared with. */
export interface ReportRow {
  name: string;
  result: Omit<RunResult, 'histogram'>;
  baseline?: string;
}

/** A latency-vs-throughput curve: one target at rising offered rates. */
export interface Curve {
  name: string;
  points: { offered: number; achieved: number; p50: number; p99: number; max: number; errors: number }[];
}

/** A ratio between two rows of the same run, optionally held to a target. */
export interface Ratio {
  label: string;
  value: number;
  /** How it was computed, e.g. "order 2,310 req/s / bare fastify 2,650 req/s". */
  detail: string;
  target?: { op: '>=' | '<='; value: number };
  met?: boolean;
  /** A value held to a target that is a latency, not a ratio. */
  unit?: 'ms';
}

/** A table of anything that is not a load run (payload sizes, encode times). */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface ReportData {
  experiment: string;
  title: string;
  question?: string;
  startedAt: string;
  /** The machine when the run started and when it ended (its load may have changed). */
  machine: { start: Machine; end?: Machine };
  short: boolean;
  rows: ReportRow[];
  curves: Curve[];
  ratios: Ratio[];
  tables: Table[];
  notes: string[];
}

/**
 * What one experiment measured, collected as it runs: its runs (each beside its baseline
 * from the same run), curves, ratios and free tables. Rendered as a terminal table, JSON and
 * an HTML page with charts (render.ts, save.ts).
 */
export class Report {
  readonly data: ReportData;

  constructor(experiment: string, title: string, options: { question?: string; short?: boolean } = {}) {
    this.data = {
      experiment,
      title,
      ...(options.question && { question: options.question }),
      startedAt: new Date().toISOString(),
      machine: { start: machine() },
      short: options.short ?? false,
      rows: [],
      curves: [],
      ratios: [],
      tables: [],
      notes: [],
    };
  }

  /** Adds a run; `baseline` names an earlier (or later) row it is compared with. */
  add(name: string, result: RunResult, options: { baseline?: string } = {}): RunResult {
    // The live histogram stays out of the report: its summary and spectrum are what is kept.
    const kept: ReportRow['result'] = { ...result };
    delete (kept as RunResult).histogram;
    this.data.rows.push({ name, result: kept, ...(options.baseline && { baseline: options.baseline }) });
    return result;
  }

  row(name: string): ReportRow {
    const row = this.data.rows.find((r) => r.name === name);
    if (!row) throw new Error(`report ${this.data.experiment}: no row named "${name}"`);
    return row;
  }

  curve(name: string, runs: RunResult[]): Curve {
    const curve: Curve = {
      name,
      points: runs.map((r) => ({
        offered: r.offeredRate ?? r.achievedRate,
        achieved: r.achievedRate,
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        errors: r.sent - r.ok,
      })),
    };
    this.data.curves.push(curve);
    return curve;
  }

  /**
   * The ratio of two rows' throughput (req/s, default) or of a latency percentile, optionally
   * held to a target: a benchmark result, never a test failure.
   */
  ratio(
    label: string,
    name: string,
    baseline: string,
    options: { metric?: 'rate' | keyof LatencySummary; atLeast?: number; atMost?: number } = {},
  ): Ratio {
    const metric = options.metric ?? 'rate';
    const pick = (row: ReportRow) =>
      metric === 'rate' ? row.result.achievedRate : (row.result.latency[metric] as number);
    const a = pick(this.row(name));
    const b = pick(this.row(baseline));
    const unit = (v: number) => (metric === 'rate' ? `${formatRate(v)} req/s` : formatMs(v));
    return this.addRatio(
      { label, value: b === 0 ? NaN : a / b, detail: `${name} ${unit(a)} / ${baseline} ${unit(b)}` },
      options,
    );
  }

  /** A ratio computed by the experiment itself (e.g. bytes, or messages per second). */
  addRatio(ratio: Ratio, options: { atLeast?: number; atMost?: number } = {}): Ratio {
    const target =
      options.atLeast !== undefined
        ? { op: '>=' as const, value: options.atLeast }
        : options.atMost !== undefined
          ? { op: '<=' as const, value: options.atMost }
          : undefined;
    const held: Ratio = target
      ? {
          ...ratio,
          target,
          met: target.op === '>=' ? ratio.value >= target.value : ratio.value <= target.value,
        }
      : ratio;
    this.data.ratios.push(held);
    return held;
  }

  /** A latency held to a target, e.g. "Kafka end-to-end p99" ≤ 20 ms. */
  target(label: string, ms: number, detail: string, options: { atLeast?: number; atMost?: number }): Ratio {
    return this.addRatio({ label, value: ms, detail, unit: 'ms' }, options);
  }

  table(table: Table): void {
    this.data.tables.push(table);
  }

  note(text: string): void {
    this.data.notes.push(text);
  }

  /** Records the machine's load at the end, which says how much the run competed for CPUs. */
  finish(): ReportData {
    this.data.machine.end = machine();
    return this.data;
  }
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1_000) return `${(ms / 1_000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

export type { LatencySummary, SpectrumPoint };
