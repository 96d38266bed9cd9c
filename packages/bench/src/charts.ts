import type { SpectrumPoint } from './histogram.ts';
import type { Curve } from './report.ts';
import { formatMs, formatRate } from './report.ts';

// Small hand-made SVG charts: no chart library and no script in the page, so a report is one
// self-contained file that opens anywhere, years later.
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];
const width = 720;
const height = 360;
const margin = { left: 70, right: 20, top: 20, bottom: 50 };
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;

export function colour(index: number): string {
  return palette[index % palette.length]!;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A log-10 scale from the data's range, widened to whole decades. */
function logScale(values: number[]): { map: (v: number) => number; ticks: number[] } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = Math.max(Math.ceil(Math.log10(Math.max(...positive, 1))), lo + 1);
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return {
    map: (v) => margin.top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotH,
    ticks,
  };
}

function linearTicks(max: number, count = 5): number[] {
  const step = niceStep(max / count);
  const ticks: number[] = [];
  // Up to the first tick at or past the largest value, so every point lands inside the frame.
  for (let v = 0; ticks.length === 0 || ticks.at(-1)! < max; v += step) ticks.push(v);
  return ticks;
}

function niceStep(raw: number): number {
  const exponent = 10 ** Math.floor(Math.log10(raw || 1));
  const fraction = raw / exponent;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * exponent;
}

function frame(
  xTicks: { at: number; label: string }[],
  yTicks: { at: number; label: string }[],
  xLabel: string,
  yLabel: string,
): string {
  const parts = [
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#ccc"/>`,
  ];
  for (const { at, label } of yTicks) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${at}" y2="${at}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${at + 4}" text-anchor="end">${escape(label)}</text>`);
  }
  for (const { at, label } of xTicks) {
    parts.push(`<line x1="${at}" x2="${at}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${at}" y="${margin.top + plotH + 16}" text-anchor="middle">${escape(label)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push(
    `<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
  );
  return parts.join('');
}

function svg(body: string, legend: { name: string; colour: string; dashed?: boolean }[]): string {
  const box =
    legend.length === 0
      ? ''
      : `<rect x="${margin.left + 4}" y="${margin.top + 2}" width="${Math.max(...legend.map((l) => l.name.length)) * 6 + 40}" height="${legend.length * 16 + 6}" fill="#fff" fill-opacity="0.85"/>`;
  const rows = legend
    .map(
      (l, i) =>
        `<g transform="translate(${margin.left + 10} ${margin.top + 14 + i * 16})"><line x2="20" y1="-4" y2="-4" stroke="${l.colour}" stroke-width="2"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="26">${escape(l.name)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">${body}${box}${rows}</svg>`;
}

/**
 * Latency against offered load for each curve: p50 dashed, p99 solid, latency on a log axis.
 * Where a curve turns upward is the knee; past it, queues grow and p99 explodes. (Against
 * achieved throughput the curve would fold back on itself once the server falls behind.)
 */
export function latencyThroughputChart(curves: Curve[]): string {
  const points = curves.flatMap((c) => c.points);
  const maxX = Math.max(...points.map((p) => p.offered), 1);
  const xTicks = linearTicks(maxX);
  const xMax = xTicks.at(-1)!;
  const x = (v: number) => margin.left + (v / xMax) * plotW;
  const y = logScale(points.flatMap((p) => [p.p50, p.p99]));
  const body = [
    frame(
      xTicks.map((v) => ({ at: x(v), label: formatRate(v) })),
      y.ticks.map((v) => ({ at: y.map(v), label: formatMs(v) })),
      'offered requests per second',
      'latency (log scale)',
    ),
  ];
  const legend: { name: string; colour: string; dashed?: boolean }[] = [];
  curves.forEach((curve, i) => {
    const c = colour(i);
    for (const [key, dashed] of [
      ['p50', true],
      ['p99', false],
    ] as const) {
      const path = curve.points.map((p) => `${x(p.offered).toFixed(1)},${y.map(p[key]).toFixed(1)}`).join(' ');
      body.push(
        `<polyline points="${path}" fill="none" stroke="${c}" stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
      for (const p of curve.points) {
        body.push(
          `<circle cx="${x(p.offered).toFixed(1)}" cy="${y.map(p[key]).toFixed(1)}" r="3" fill="${c}"><title>${escape(`${curve.name} ${key}: ${formatMs(p[key])} at ${formatRate(p.achieved)}/s achieved (${formatRate(p.offered)}/s offered)`)}</title></circle>`,
        );
      }
    }
    legend.push({ name: `${curve.name} p99`, colour: c }, { name: `${curve.name} p50`, colour: c, dashed: true });
  });
  return svg(body.join(''), legend);
}

/** How far along the "nines" a percentile is: 90 % → 1, 99 % → 2, 99.9 % → 3. */
function nines(percentile: number, cap: number): number {
  return percentile >= 100 ? cap : Math.min(-Math.log10(1 - percentile / 100), cap);
}

/**
 * Percentile spectra: the latency under which each fraction of requests stayed, the x axis
 * stretched so 90 %, 99 %, 99.9 % are equally far apart. The right end is the maximum.
 */
export function spectrumChart(series: { name: string; spectrum: SpectrumPoint[] }[]): string {
  const drawn = series.filter((s) => s.spectrum.length > 0);
  const deepest = Math.max(
    ...drawn.flatMap((s) => s.spectrum.filter((p) => p.percentile < 100).map((p) => nines(p.percentile, 6))),
    2,
  );
  const cap = Math.ceil(deepest + 0.5);
  const x = (p: number) => margin.left + (nines(p, cap) / cap) * plotW;
  const y = logScale(drawn.flatMap((s) => s.spectrum.map((p) => p.ms)));
  const xTicks = [0, 90, 99, 99.9, 99.99, 99.999, 99.9999]
    .filter((p) => nines(p, cap) < cap - 0.5)
    .map((p) => ({ at: x(p), label: `${p}%` }));
  xTicks.push({ at: x(100), label: 'max' });
  const body = [
    frame(
      xTicks,
      y.ticks.map((v) => ({ at: y.map(v), label: formatMs(v) })),
      'percentile',
      'latency (log scale)',
    ),
  ];
  drawn.forEach((s, i) => {
    const path = s.spectrum.map((p) => `${x(p.percentile).toFixed(1)},${y.map(p.ms).toFixed(1)}`).join(' ');
    body.push(`<polyline points="${path}" fill="none" stroke="${colour(i)}" stroke-width="2"/>`);
  });
  return svg(
    body.join(''),
    drawn.map((s, i) => ({ name: s.name, colour: colour(i) })),
  );
}

/** Horizontal bars, one per run: throughput side by side, the baseline's bar beside the project's. */
export function barChart(bars: { name: string; value: number }[], unit: string): string {
  const rowH = 22;
  const left = 260;
  const h = bars.length * rowH + 30;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const w = (v: number) => ((width - left - 90) * v) / max;
  const body = bars
    .map(
      (b, i) =>
        `<text x="${left - 8}" y="${i * rowH + 20}" text-anchor="end">${escape(b.name)}</text>` +
        `<rect x="${left}" y="${i * rowH + 8}" width="${w(b.value).toFixed(1)}" height="16" fill="${colour(i)}"/>` +
        `<text x="${left + w(b.value) + 6}" y="${i * rowH + 20}">${escape(`${formatRate(b.value)} ${unit}`)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" font-family="system-ui, sans-serif" font-size="11">${body}</svg>`;
}
