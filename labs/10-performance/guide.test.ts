import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guideOf, matchesStep } from '@commlab/lab-runner/testing';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// The guide's steps run `pnpm lab bench <experiment>`, which starts the services it measures
// itself, on free ports; so, unlike the other labs' guide tests, this one starts no lab. The
// steps run in short mode (COMMLAB_BENCH_SHORT=1): a fraction of a second per run, enough to
// prove each experiment works end to end against real services and brokers, not to measure.
describe('lab 10-performance guide', () => {
  it.each(guideOf('10-performance'))(
    'README line $line gives the output the guide shows',
    (step) => {
      const run = spawnSync('bash', ['-c', step.command], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 90_000,
        // Always its own services: the compose check's COMMLAB_LAB_TARGET=running names only main
        // ports, and experiment 6 also needs inventory's Thrift and REST ports.
        env: { ...process.env, COMMLAB_BENCH_SHORT: '1', NO_COLOR: '1', COMMLAB_LAB_TARGET: '' },
      });
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output).toBe(0);
      expect(matchesStep(output, step), `got:\n${output}`).toBe(true);
    },
    120_000,
  );
});
