import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportData } from '@commlab/bench';
import { repoRoot, runDir } from '@commlab/lab/runner';

// The guide's `pnpm lab bench tracing`, short: it starts its three copies of order and inventory
// itself (processes, or containers under the Compose check) and stops them. Proves the
// experiment works end to end against the real services; no speed is asserted.
describe('lab 14-observability benchmark: tracing overhead', () => {
  it('measures the order endpoint untraced, traced at 100 % and at 10 %, in one run, every order answered', () => {
    const run = spawnSync(process.execPath, ['tools/lab-runner/src/cli.ts', 'bench', 'tracing', '--short'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    const report = JSON.parse(readFileSync(join(runDir, 'bench', 'tracing.json'), 'utf8')) as ReportData;
    const variants = ['tracing off', 'traced, 100 %', 'traced, 10 %'];
    expect(report.rows.map((r) => r.name.split(':')[0]).sort()).toEqual([...variants, ...variants].sort());
    for (const row of report.rows) {
      expect(row.result.ok, row.name).toBeGreaterThan(0);
      expect(row.result.errors, row.name).toEqual({});
    }
    expect(report.tables[0]?.rows.map((r) => r[0])).toEqual(variants);
  }, 320_000);
});
