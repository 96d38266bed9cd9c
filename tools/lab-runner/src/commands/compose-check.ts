import { existsSync, globSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostBrokersFileName, movedPortsFile, serviceImage } from '../compose.ts';
import { prepareEngine, seconds, type Engine } from '../containers/engine.ts';
import { buildImage, extraCaFile, type BuiltImage } from '../containers/images.ts';
import { logsOf, memoryOf, type ContainerMemory } from '../containers/project.ts';
import { stopRunning, tail } from '../containers/run.ts';
import type { LabSpec } from '../define.ts';
import { ensureInfra } from '../infra.ts';
import { formatLabPorts } from '../lab-ports.ts';
import { labEntry, readyLabs } from '../labs.ts';
import { labsDir, runDir } from '../paths.ts';
import { colour, say } from '../say.ts';
import { freePort } from '../testing.ts';
import { runVitest } from '../vitest.ts';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** One compose check: its engine, and whether Ctrl-C (or SIGTERM) asked it to stop. */
interface Run {
  engine: Engine;
  interrupted: boolean;
}

interface LabReport extends Counts {
  id: string;
  /** From `compose up` until every container is healthy, once per test file. */
  startups: number[];
  /** Per service, the most it used after any test file. */
  memory: Map<string, ContainerMemory>;
}

/** pnpm lab compose-check [lab]: the Compose check on its own, ending with `N passed, N failed`. */
export async function composeCheck(args: string[]): Promise<number> {
  const only = args[0] ? labEntry(args[0]).id : undefined;
  const labs = (await readyLabs()).filter((lab) => !only || lab.id === only);
  const counts = await checkInContainers(labs);
  say.line(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return counts.failed > 0 ? 1 : 0;
}

export const hasComposeFile = (lab: LabSpec) => existsSync(join(labsDir, lab.id, 'compose.yaml'));

/**
 * Builds every image the labs use from the real Dockerfile, then for each lab with a Compose
 * file: starts it with the host-brokers override, waits for every healthcheck, runs the lab's
 * tests against the containers, records memory, and tears it down (also on failure or Ctrl-C).
 * Each lab counts once for its containers (built, healthy, torn down), plus its tests.
 */
export async function checkInContainers(labs: LabSpec[]): Promise<Counts> {
  const checked = labs.filter(hasComposeFile);
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  if (checked.length === 0) return counts;
  const started = Date.now();
  say.line();
  say.step(colour.bold(`Compose check: ${checked.map((lab) => lab.id).join(', ')} in containers`));

  const run = { interrupted: false } as Run;
  const onSignal = (signal: NodeJS.Signals) => {
    run.interrupted = true;
    say.warn(`${signal}: stopping, then tearing the containers down`);
    stopRunning();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    try {
      run.engine = await prepareEngine();
    } catch (err) {
      say.fail(colour.bold(`COMPOSE CHECK NOT RUN: ${(err as Error).message}.`));
      say.fail(`counting ${checked.length} lab(s) as failed: ${checked.map((lab) => lab.id).join(', ')}`);
      counts.failed += checked.length;
      return counts;
    }
    say.ok(`container engine: ${run.engine.name}`);

    const images = await buildAll(run, checked);

    const reports: LabReport[] = [];
    for (const lab of checked) {
      const unbuilt = Object.values(lab.services).filter((s) => !images.get(s.service)?.ok);
      if (run.interrupted || unbuilt.length > 0) {
        say.fail(`${lab.id}: not started (${run.interrupted ? 'interrupted' : 'an image did not build'})`);
        counts.failed++;
        continue;
      }
      const report = await checkLab(run, lab);
      reports.push(report);
      counts.passed += report.passed;
      counts.failed += report.failed;
      counts.skipped += report.skipped;
    }
    summarise(run.engine, [...images.values()], reports);
    return counts;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    say.line(colour.dim(`Compose check took ${seconds(Date.now() - started)}`));
  }
}

/** Builds each image the labs use, one after the other (two at a time was no faster on two busy cores). */
async function buildAll(run: Run, labs: LabSpec[]): Promise<Map<string, BuiltImage>> {
  const services = new Set(labs.flatMap((lab) => Object.values(lab.services).map((s) => s.service)));
  const images = new Map<string, BuiltImage>();
  let ca: string | undefined;
  try {
    ca = extraCaFile();
  } catch (err) {
    say.fail(`no image built: ${(err as Error).message}`);
    return images;
  }
  if (ca) say.line(colour.dim(`  builds trust the extra CA in ${ca} (a build secret; it stays out of the images)`));
  for (const service of services) {
    if (run.interrupted) break;
    say.step(`building ${serviceImage(service)} from the Dockerfile`);
    const built = await buildImage(run.engine, service, ca);
    images.set(service, built);
    if (built.ok) say.ok(`${built.image} built in ${seconds(built.ms)}, ${megabytes(built.size)}`);
  }
  return images;
}

const nativeOnlyMarker = /^\/\/ lab-test: native-only\b/m;

async function checkLab(run: Run, lab: LabSpec): Promise<LabReport> {
  const report: LabReport = { id: lab.id, passed: 0, failed: 0, skipped: 0, startups: [], memory: new Map() };
  if (!(await ensureInfra(lab.infra))) {
    report.failed++;
    return report;
  }
  const dir = join(labsDir, lab.id);
  const allFiles = globSync('**/*.test.ts', { cwd: dir, exclude: (path) => path.includes('node_modules') }).sort();
  // A test that stops, restarts or reconfigures one service, or reads a process's log, needs
  // a lab it started itself; it says so on a line `// lab-test: native-only (why)` and runs
  // in the native part only. Counted as skipped here, never as passed.
  const nativeOnly = allFiles.filter((file) => nativeOnlyMarker.test(readFileSync(join(dir, file), 'utf8')));
  for (const file of nativeOnly)
    say.warn(`${lab.id} · ${file}: native-only (controls the lab's processes); not run in containers`);
  report.skipped += nativeOnly.length;
  const testFiles = allFiles.filter((file) => !nativeOnly.includes(file));
  let containersOk = true;
  // A running lab is shared state (orders, stock): each test file gets a freshly started lab,
  // as startLab() gives it natively. A lab without tests still has to start healthy once.
  for (const file of testFiles.length > 0 ? testFiles : [undefined]) {
    if (run.interrupted) {
      containersOk = false;
      break;
    }
    containersOk = (await runOnce(run, lab, file, report)) && containersOk;
  }
  if (containersOk) report.passed++;
  else report.failed++;
  return report;
}

/** One start of the lab in containers, one test file against it, and the teardown. */
async function runOnce(run: Run, lab: LabSpec, file: string | undefined, report: LabReport): Promise<boolean> {
  const dir = join(labsDir, lab.id);
  // Free ports, so the check never collides with a lab someone runs on this machine.
  const ports: Record<string, number> = {};
  for (const name of Object.keys(lab.services)) ports[name] = await freePort();
  mkdirSync(join(runDir, 'compose-check'), { recursive: true });
  const moved = join(runDir, 'compose-check', `${lab.id}-${process.pid}.ports.yaml`);
  writeFileSync(moved, movedPortsFile(lab, ports));
  const files = [join(dir, 'compose.yaml'), join(dir, hostBrokersFileName), moved];
  const project = `commlab-check-${lab.id}-${process.pid}`;

  let ok: boolean;
  try {
    ok = await startAndTest(run, lab, file, { project, files, ports }, report);
  } finally {
    const down = await run.engine.down(project, files);
    if (down.code !== 0) {
      say.fail(`${lab.id}: compose down failed:\n${tail(down.output)}`);
      ok = false;
    }
    rmSync(moved, { force: true });
  }
  return ok;
}

interface Stack {
  project: string;
  files: string[];
  ports: Record<string, number>;
}

async function startAndTest(
  run: Run,
  lab: LabSpec,
  file: string | undefined,
  { project, files, ports }: Stack,
  report: LabReport,
): Promise<boolean> {
  const { engine } = run;
  say.step(`${lab.id}${file ? ` · ${file}` : ''}: ${engine.name} compose up, then wait for every healthcheck`);
  const started = Date.now();
  const up = await engine.upHealthy(project, files, (line) => say.line(colour.dim(`    ${line}`)));
  if (up.code !== 0) {
    if (run.interrupted) return false;
    say.fail(`${lab.id}: the containers did not all become healthy:\n${tail(up.output)}`);
    say.line(await logsOf(engine, project));
    return false;
  }
  const startup = Date.now() - started;
  report.startups.push(startup);
  say.ok(`${lab.id}: every container healthy ${seconds(startup)} after compose up`);
  if (file) {
    const counts = await runVitest(
      ['--project', 'integration', join('labs', lab.id, file)],
      { COMMLAB_LAB_TARGET: 'running', COMMLAB_LAB_PORTS: formatLabPorts(ports) },
      `compose-check-${lab.id}`,
    );
    report.passed += counts.passed;
    report.failed += counts.failed;
    report.skipped += counts.skipped;
    if (counts.failed > 0) say.line(await logsOf(engine, project));
  }
  for (const use of await memoryOf(engine, project)) {
    if (use.bytes > (report.memory.get(use.service)?.bytes ?? -1)) report.memory.set(use.service, use);
  }
  return true;
}

function summarise(engine: Engine, images: BuiltImage[], reports: LabReport[]): void {
  say.line();
  say.line(colour.bold(`Compose check with ${engine.name}`));
  for (const image of images) {
    say.line(`  image ${image.image.padEnd(28)} ${megabytes(image.size).padStart(8)}   built in ${seconds(image.ms)}`);
  }
  for (const report of reports) {
    const startups = report.startups.map(seconds).join(', ');
    say.line(`  lab ${report.id}: compose up → all healthy in ${startups || 'never'}`);
    for (const use of report.memory.values()) say.line(`    ${use.service.padEnd(20)} ${use.usage}`);
    const total = [...report.memory.values()].reduce((sum, use) => sum + use.bytes, 0);
    if (report.memory.size > 0) say.line(`    ${'total'.padEnd(20)} ${(total / 2 ** 20).toFixed(0)} MiB`);
  }
}

const megabytes = (bytes: number | undefined) => (bytes ? `${(bytes / 1e6).toFixed(0)} MB` : '? MB');
