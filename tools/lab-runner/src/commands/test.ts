import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from '../chromium.ts';
import type { Infra } from '../define.ts';
import { ensureInfra } from '../infra.ts';
import { labEntry, readyLabs } from '../labs.ts';
import { repoRoot, runDir } from '../paths.ts';
import { colour, say } from '../say.ts';

/** Brokers the service-level integration tests use, beyond what the labs declare. */
const suiteInfra: Infra[] = ['postgres'];

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

/**
 * pnpm lab test [lab]: static checks, then every unit and integration test against real
 * brokers (started here when this machine can), ending with one line `N passed, N failed`.
 */
export async function test(args: string[]): Promise<number> {
  const started = Date.now();
  const only = args[0] ? labEntry(args[0]).id : undefined;
  const labs = (await readyLabs()).filter((lab) => !only || lab.id === only);

  const checks = only ? [] : [check('typecheck', ['tsc', '-b']), check('lint', ['eslint', '.'])];

  say.step('checking brokers and databases the tests need');
  const infraOk = await ensureInfra([...suiteInfra, ...labs.flatMap((lab) => lab.infra)]);
  say.step('checking the browser the console tests drive');
  const browserOk = ensureChromium();

  const report = join(runDir, 'vitest.json');
  rmSync(report, { force: true });
  mkdirSync(runDir, { recursive: true });
  const filter = only ? [join('labs', only)] : [];
  say.step(`running tests${only ? ` of ${only}` : ''}`);
  const vitest = spawnSync(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...filter],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      shell: false,
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    },
  );

  let result: VitestJson | undefined;
  try {
    result = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  } catch {
    say.fail('vitest wrote no report; see its output above');
  }
  const failedChecks = checks.filter((c) => !c.ok).map((c) => c.name);
  say.line();
  for (const c of checks) (c.ok ? say.ok : say.fail)(`${c.name} ${c.ok ? 'passed' : 'FAILED (output above)'}`);
  if (!infraOk) say.fail('some brokers were unreachable (see above); tests that need them failed');
  if (!browserOk) say.fail('Chromium is missing (see above); the browser tests failed');
  say.line(colour.dim(`took ${((Date.now() - started) / 1000).toFixed(0)} s`));

  const passed = result?.numPassedTests ?? 0;
  const failed = (result?.numFailedTests ?? 0) + (result ? 0 : 1) + failedChecks.length;
  const skipped = (result?.numPendingTests ?? 0) + (result?.numTodoTests ?? 0);
  // The one line CI reads. Failed static checks count as failures; skipped tests never count as passes.
  say.line(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  const suitesFailed = (result?.numFailedTestSuites ?? 0) > 0;
  return failed > 0 || suitesFailed || vitest.status !== 0 ? 1 : 0;
}

/** Tools come from the workspace's own node_modules, whether or not pnpm put them on PATH. */
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);

function check(name: string, command: string[]): { name: string; ok: boolean } {
  say.step(`${name}: ${command.join(' ')}`);
  const run = spawnSync(bin(command[0]!), command.slice(1), { cwd: repoRoot, stdio: 'inherit' });
  return { name, ok: run.status === 0 };
}
