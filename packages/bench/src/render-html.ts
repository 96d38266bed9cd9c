import { barChart, latencyThroughputChart, spectrumChart } from './charts.ts';
import { describeMachine, ratioCells, ratioColumns, runCells, runColumns } from './render-text.ts';
import type { ReportData } from './report.ts';

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function table(columns: string[], rows: string[][]): string {
  const head = columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** One self-contained page (inline SVG, no script): charts first, then the numbers behind them. */
export function renderHtml(report: ReportData): string {
  const sections: string[] = [];
  if (report.question) sections.push(`<p class="question">${escape(report.question)}</p>`);
  sections.push(`<p class="machine">${escape(describeMachine(report.machine.start, report.machine.end))}</p>`);
  if (report.short)
    sections.push('<p class="warn">Short run: it checks the experiment works; its numbers mean little.</p>');
  if (report.ratios.length > 0) {
    sections.push(
      '<h2>Ratios (same run)</h2>' +
        table(
          ratioColumns,
          report.ratios.map((r) => ratioCells(r, ['✔ met', '✘ missed'])),
        ),
    );
  }
  if (report.curves.length > 0) {
    sections.push('<h2>Latency against throughput</h2>', latencyThroughputChart(report.curves));
  }
  const spectra = report.rows.filter((r) => r.result.spectrum.length > 0);
  if (spectra.length > 0) {
    sections.push(
      '<h2>Percentile spectrum</h2>',
      spectrumChart(spectra.map((r) => ({ name: r.name, spectrum: r.result.spectrum }))),
    );
  }
  if (report.rows.length > 1) {
    sections.push(
      '<h2>Throughput</h2>',
      barChart(
        report.rows.map((r) => ({ name: r.name, value: r.result.achievedRate })),
        'req/s',
      ),
    );
  }
  if (report.rows.length > 0) {
    sections.push('<h2>Runs</h2>' + table(runColumns, report.rows.map(runCells)));
  }
  for (const t of report.tables) {
    sections.push(
      `<h2>${escape(t.title)}</h2>` +
        table(
          t.columns,
          t.rows.map((row) => row.map(String)),
        ),
    );
  }
  if (report.notes.length > 0) {
    sections.push(`<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(report.title)}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 760px; color: #1f2937; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 12px; } th, td { padding: 3px 8px; border-bottom: 1px solid #e5e7eb; text-align: left; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
.question { font-size: 1.05rem; font-style: italic; } .machine { color: #6b7280; } .warn { color: #b45309; }
svg { max-width: 100%; height: auto; }
</style></head>
<body><h1>${escape(report.title)}</h1>
${sections.join('\n')}
<p class="machine">Started ${escape(report.startedAt)} · experiment ${escape(report.experiment)}</p>
</body></html>
`;
}
