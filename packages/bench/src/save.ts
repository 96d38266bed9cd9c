import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './render-html.ts';
import type { ReportData } from './report.ts';

/** Writes a report as `<experiment>.json` (for machines) and `<experiment>.html` (for people) under `dir`. */
export function saveReport(report: ReportData, dir: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${report.experiment}.json`);
  const html = join(dir, `${report.experiment}.html`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}
