import { describe, expect, it } from 'vitest';
import { Latencies } from './histogram.ts';
import { renderHtml } from './render-html.ts';
import { renderText, textTable } from './render-text.ts';
import { Report } from './report.ts';
import type { RunResult } from './result.ts';

function run(rate: number, p99: number): RunResult {
  const latencies = new Latencies();
  for (let i = 0; i < 99; i++) latencies.record(1);
  latencies.record(p99);
  return {
    mode: 'open',
    offeredRate: rate,
    achievedRate: rate,
    sent: 100,
    ok: 100,
    errors: {},
    durationMs: 1_000,
    latency: latencies.summary(),
    spectrum: latencies.spectrum(),
    histogram: latencies,
  };
}

describe('Report', () => {
  it('states the machine, every run, and each ratio against its target (met or missed)', () => {
    const report = new Report('demo', 'Demo experiment');
    report.add('bare', run(1_000, 2));
    report.add('project', run(700, 5), { baseline: 'bare' });
    report.ratio('project / bare req/s', 'project', 'bare', { atLeast: 0.8 });
    report.ratio('project / bare max', 'project', 'bare', { metric: 'max', atMost: 3 });
    const text = renderText(report.finish());
    expect(text).toMatch(
      /machine: \d+ cores .* load average [\d.]+ [\d.]+ [\d.]+ at start, [\d.]+ [\d.]+ [\d.]+ at end/,
    );
    expect(text).toMatch(/project \/ bare req\/s\s+0\.70×\s+>= 0\.8\s+MISSED/);
    expect(text).toMatch(/project \/ bare max\s+2\.50×\s+<= 3\s+met/);
    expect(report.data.rows.map((r) => r.name)).toEqual(['bare', 'project']);
  });

  it('keeps the live histogram out of the saved report', () => {
    const report = new Report('demo', 'Demo');
    report.add('bare', run(10, 1));
    expect(JSON.parse(JSON.stringify(report.finish())).rows[0].result.histogram).toBeUndefined();
  });

  it('renders a self-contained page: inline SVG charts, no script, no outside resource', () => {
    const report = new Report('demo', 'Demo <experiment>', { question: 'Where is the knee?' });
    const runs = [run(100, 2), run(200, 8)];
    runs.forEach((r, i) => report.add(`rate ${i}`, r));
    report.curve('order', runs);
    const html = renderHtml(report.finish());
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).toContain('Demo &lt;experiment&gt;');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('refuses a ratio naming a run it does not have', () => {
    const report = new Report('demo', 'Demo');
    expect(() => report.ratio('x', 'missing', 'also missing')).toThrow(/no row named "missing"/);
  });
});

describe('textTable', () => {
  it('pads columns to their widest cell and right-aligns numbers', () => {
    expect(
      textTable(
        ['name', 'n'],
        [
          ['a', '1'],
          ['bb', '22'],
        ],
      ).split('\n'),
    ).toEqual(['name   n', '────  ──', 'a      1', 'bb    22']);
  });
});
