import { spawnSync } from 'node:child_process';
import { chromium, ensureDebianPackages, servicePackages } from '../debian-packages.ts';
import {
  bin,
  colour,
  ensureInfra,
  type Infra,
  labEntry,
  readyLabs,
  repoRoot,
  say,
  stopStartedInfra,
} from '@commlab/lab/runner';
import { runVitest } from '../vitest.ts';
import { checkInContainers, hasComposeFile } from './compose-check.ts';

/** Brokers the service-level integration tests use, beyond what the labs declare. */
const suiteInfra: Infra[] = ['postgres', 'rabbitmq', 'kafka'];

/**
 * pnpm lab test [lab] [--native-only]: static checks, then every unit and integration test
 * against real brokers (started here when this machine can), then the Compose check of every
 * lab with a Compose file, ending with one line `N passed, N failed`.
 */
export async function test(args: string[]): Promise<number> {
  const started = Date.now();
  const nativeOnly = args.includes('--native-only');
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--native-only');
  if (unknown.length > 0) {
    say.fail(`unknown option ${unknown.join(' ')}; pnpm lab test [lab] [--native-only]`);
    return 2;
  }
  const id = args.find((arg) => !arg.startsWith('--'));
  const only = id ? labEntry(id).id : undefined;
  const labs = (await readyLabs()).filter((lab) => !only || lab.id === only);

  const checks = only ? [] : [check('typecheck', ['tsc', '-b']), check('lint', ['eslint', '.'])];

  say.step('checking brokers and databases the tests need');
  const infraOk = await ensureInfra([...suiteInfra, ...labs.flatMap((lab) => lab.infra)]);
  say.step("checking the programs the tests run: the browser and what the labs' services run natively");
  const programsOk = ensureDebianPackages([chromium, ...servicePackages(labs)]);

  say.step(`running tests${only ? ` of ${only}` : ''}`);
  const native = await runVitest(only ? [`labs/${only}`] : []);
  const nativeSeconds = (Date.now() - started) / 1000;

  const containers = nativeOnly ? undefined : await checkInContainers(labs);
  stopStartedInfra();

  const failedChecks = checks.filter((c) => !c.ok).map((c) => c.name);
  say.line();
  for (const c of checks) (c.ok ? say.ok : say.fail)(`${c.name} ${c.ok ? 'passed' : 'FAILED (output above)'}`);
  if (!infraOk) say.fail('some brokers were unreachable (see above); tests that need them failed');
  if (!programsOk) say.fail('a program the tests run is missing (see above); the tests that run it failed');
  if (nativeOnly && labs.some(hasComposeFile)) {
    say.warn('--native-only: the Compose check of the labs did not run');
  }
  say.line(
    colour.dim(
      `took ${((Date.now() - started) / 1000).toFixed(0)} s` +
        (containers ? ` (native ${nativeSeconds.toFixed(0)} s, Compose check the rest)` : ''),
    ),
  );

  const passed = native.passed + (containers?.passed ?? 0);
  const failed = native.failed + failedChecks.length + (containers?.failed ?? 0);
  const skipped = native.skipped + (containers?.skipped ?? 0);
  // The one line CI reads. Failed static checks and Compose checks count as failures; skipped tests never count as passes.
  say.line(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || !native.ok ? 1 : 0;
}

function check(name: string, command: string[]): { name: string; ok: boolean } {
  say.step(`${name}: ${command.join(' ')}`);
  const run = spawnSync(bin(command[0]!), command.slice(1), { cwd: repoRoot, stdio: 'inherit' });
  return { name, ok: run.status === 0 };
}
