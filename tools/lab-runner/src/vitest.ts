import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bin, repoRoot, runDir, say } from '@commlab/lab/runner';

export interface TestCounts {
  passed: number;
  /** Failed tests, plus one when vitest itself failed without naming a failed test (no report, a broken file). */
  failed: number;
  skipped: number;
  ok: boolean;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

/** Runs vitest with its live output on this terminal and reads the counts from its JSON report. */
export async function runVitest(args: string[], env: NodeJS.ProcessEnv = {}, name = 'vitest'): Promise<TestCounts> {
  const report = join(runDir, `${name}.json`);
  rmSync(report, { force: true });
  mkdirSync(runDir, { recursive: true });
  const status = await new Promise<number | null>((resolve) => {
    const child = spawn(
      bin('vitest'),
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', ...env },
      },
    );
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code));
  });
  let result: VitestJson | undefined;
  try {
    result = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  } catch {
    say.fail('vitest wrote no report; see its output above');
  }
  const failedTests = result?.numFailedTests ?? 0;
  const broken = !result || (failedTests === 0 && (result.numFailedTestSuites > 0 || status !== 0));
  return {
    passed: result?.numPassedTests ?? 0,
    failed: failedTests + (broken ? 1 : 0),
    skipped: (result?.numPendingTests ?? 0) + (result?.numTodoTests ?? 0),
    ok: !broken && failedTests === 0 && status === 0,
  };
}
