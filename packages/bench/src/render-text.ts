import type { Machine } from './machine.ts';
import { formatMs, formatRate, type ReportData } from './report.ts';

/** A report as the terminal shows it: machine, runs, ratios and targets, tables, notes. */
export function renderText(report: ReportData): string {
  const out: string[] = [];
  out.push(`${report.title}${report.short ? ' (short run: checks it works, numbers are not meaningful)' : ''}`);
  out.push(`machine: ${describeMachine(report.machine.start, report.machine.end)}`);
  if (report.rows.length > 0) {
    out.push('');
    out.push(textTable(runColumns, report.rows.map(runCells)));
  }
  for (const table of report.tables) {
    out.push(
      '',
      table.title,
      textTable(
        table.columns,
        table.rows.map((row) => row.map(String)),
      ),
    );
  }
  if (report.ratios.length > 0) {
    out.push('');
    out.push(
      textTable(
        ratioColumns,
        report.ratios.map((r) => ratioCells(r, ['met', 'MISSED'])),
      ),
    );
  }
  for (const note of report.notes) out.push('', `· ${note}`);
  return out.join('\n');
}

/** The runs table: one row per measured run, the same on the terminal and in the HTML page. */
export const runColumns = ['run', 'loop', 'offered/s', 'achieved/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors'];

export function runCells({ name, result: r }: ReportData['rows'][number]): string[] {
  return [
    name,
    r.mode === 'open' ? 'open' : `closed ×${r.concurrency ?? '?'}`,
    r.offeredRate === undefined ? '–' : formatRate(r.offeredRate),
    formatRate(r.achievedRate),
    formatMs(r.latency.p50),
    formatMs(r.latency.p90),
    formatMs(r.latency.p99),
    formatMs(r.latency.p999),
    formatMs(r.latency.max),
    describeErrors(r.errors),
  ];
}

export function describeMachine(start: Machine, end?: Machine): string {
  const load = (m: Machine) => m.loadAverage.map((n) => n.toFixed(2)).join(' ');
  return (
    `${start.cores} cores (${start.cpu}), ${start.memoryGiB} GiB, Node ${start.node}, ${start.platform}; ` +
    `load average ${load(start)} at start${end ? `, ${load(end)} at end` : ''}`
  );
}

export function describeErrors(errors: Record<string, number>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? '0' : entries.map(([kind, n]) => `${n} ${kind}`).join(', ');
}

export const ratioColumns = ['ratio', 'value', 'target', '', 'from'];

/** A ratio's row; `marks` say a met and a missed target in the output's own words. */
export function ratioCells(r: ReportData['ratios'][number], marks: readonly [met: string, missed: string]): string[] {
  return [
    r.label,
    r.unit === 'ms' ? formatMs(r.value) : formatRatio(r.value),
    r.target ? `${r.target.op} ${r.unit === 'ms' ? formatMs(r.target.value) : r.target.value}` : '',
    r.met === undefined ? '' : r.met ? marks[0] : marks[1],
    r.detail,
  ];
}

export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? `${Math.round(value)}×` : `${value.toFixed(2)}×`;
}

/** Columns padded to their widest cell; numbers (and "–") right-aligned. */
export function textTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((row) => /^[-–\d.,]+( ?[a-zµ×/%]+)?$/.test(row[i] ?? '')),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
