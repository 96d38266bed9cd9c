import { existsSync, globSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  colour,
  ensureInfra,
  labEntry,
  labsDir,
  readyLabs,
  run as runCommand,
  runDir,
  say,
  seconds,
  serviceImage,
  stopRunning,
  stopStartedInfra,
  type ContainerMemory,
  type Engine,
  type Lab,
} from '@commlab/lab/runner';
import { buildImage, extraCaFile, type BuiltImage } from '../containers/images.ts';
import { prepareEngine } from '../containers/prepare.ts';
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
  /** From `compose up` until every container is healthy, once per start of the lab. */
  startups: number[];
  /** Per service, the most it used after any test file. */
  memory: Map<string, ContainerMemory>;
}

/**
 * What the harness writes for each lab it starts in containers (COMMLAB_COMPOSE_REPORT): a line
 * before `compose up`, and one once the project is down, with what it cost.
 */
type ComposeRun =
  | { event: 'starting'; lab: string; project: string }
  | { event: 'stopped'; lab: string; project: string; startupMs: number; memory: ContainerMemory[] };

/** pnpm lab compose-check [lab]: the Compose check on its own, ending with `N passed, N failed`. */
export async function composeCheck(args: string[]): Promise<number> {
  const only = args[0] ? labEntry(args[0]).id : undefined;
  const labs = (await readyLabs()).filter((lab) => !only || lab.id === only);
  const counts = await checkInContainers(labs);
  stopStartedInfra();
  say.line(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return counts.failed > 0 ? 1 : 0;
}

export const hasComposeFile = (lab: Lab) => existsSync(join(labsDir, lab.id, 'compose.yaml'));

/**
 * Builds every image the labs use from the real Dockerfile, then runs each lab's tests with
 * COMMLAB_LAB_TARGET=compose: each test file starts the lab in containers (its compose.yaml
 * with the host-brokers override, on free ports, with the file's own settings), breaks and
 * mends its services there as it does natively, and tears it down. The harness reports each
 * start-up time and each container's memory; a lab also counts once for leaving no container
 * behind. Ctrl-C stops the tests, whose teardown removes what they started.
 */
export async function checkInContainers(labs: Lab[]): Promise<Counts> {
  const checked = labs.filter(hasComposeFile);
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  if (checked.length === 0) return counts;
  const started = Date.now();
  say.line();
  say.step(colour.bold(`Compose check: ${checked.map((lab) => lab.id).join(', ')} in containers`));

  const run = { interrupted: false } as Run;
  const onSignal = (signal: NodeJS.Signals) => {
    run.interrupted = true;
    say.warn(`${signal}: stopping the tests; their teardown removes the containers`);
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

    const ready: Lab[] = [];
    for (const lab of checked) {
      const unbuilt = Object.values(lab.services).filter((s) => !images.get(s.service)?.ok);
      if (run.interrupted || unbuilt.length > 0) {
        say.fail(`${lab.id}: not started (${run.interrupted ? 'interrupted' : 'an image did not build'})`);
        counts.failed++;
      } else if (!(await ensureInfra(lab.infra))) counts.failed++;
      else ready.push(lab);
    }
    const { tests, reports } = await checkLabs(run, ready);
    for (const tally of [tests, ...reports]) {
      counts.passed += tally.passed;
      counts.failed += tally.failed;
      counts.skipped += tally.skipped;
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
async function buildAll(run: Run, labs: Lab[]): Promise<Map<string, BuiltImage>> {
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

/**
 * Runs the labs' test files in one vitest run, two files at a time as natively (the integration
 * project's maxWorkers), whichever lab they belong to: run lab by lab, the second worker idled
 * while a lab's last, longest file ran. Then, lab by lab, what its starts cost and whether any
 * container was left behind.
 */
async function checkLabs(run: Run, labs: Lab[]): Promise<{ tests: Counts; reports: LabReport[] }> {
  const tests: Counts = { passed: 0, failed: 0, skipped: 0 };
  if (labs.length === 0) return { tests, reports: [] };
  const testFiles = labs.flatMap((lab) => testFilesOf(lab, tests));
  mkdirSync(runDir, { recursive: true });
  const reportFile = join(runDir, `compose-check-${process.pid}.jsonl`);
  rmSync(reportFile, { force: true });
  say.step(
    `${testFiles.length} test file(s) of ${labs.length} lab(s), each against its lab in ${run.engine.name} containers`,
  );
  const counts = await runVitest(
    // The lab on broker clusters (11-high-availability) runs in the cluster project, one file at a time.
    ['--project', 'integration', '--project', 'cluster', ...testFiles],
    {
      COMMLAB_LAB_TARGET: 'compose',
      COMMLAB_CONTAINER_ENGINE: run.engine.name,
      COMMLAB_COMPOSE_REPORT: reportFile,
    },
    'compose-check',
  );
  tests.passed += counts.passed;
  tests.failed += counts.failed;
  tests.skipped += counts.skipped;

  const runs = existsSync(reportFile)
    ? readFileSync(reportFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ComposeRun)
    : [];
  rmSync(reportFile, { force: true });
  const reports = [];
  for (const lab of labs)
    reports.push(
      await leftBehind(
        run,
        lab,
        runs.filter((entry) => entry.lab === lab.id),
      ),
    );
  return { tests, reports };
}

// A test that truly cannot run against containers says why on a line
// `// lab-test: native-only (why)`; it runs in the native part only and counts as skipped here.
const nativeOnlyMarker = /^\/\/ lab-test: native-only\b(.*)$/m;

/** A lab's test files that run against containers (paths from the repository root); native-only ones count as skipped. */
function testFilesOf(lab: Lab, tests: Counts): string[] {
  const dir = join(labsDir, lab.id);
  const files = globSync('**/*.test.ts', { cwd: dir, exclude: (path) => path.includes('node_modules') }).sort();
  return files
    .filter((file) => {
      const marker = nativeOnlyMarker.exec(readFileSync(join(dir, file), 'utf8'));
      if (!marker) return true;
      say.warn(`${lab.id} · ${file}: native-only${marker[1]}; not run in containers`);
      tests.skipped++;
      return false;
    })
    .map((file) => join('labs', lab.id, file));
}

/** A lab's starts (their start-up times and memory), and one pass if its tests left no container behind. */
async function leftBehind(run: Run, lab: Lab, runs: ComposeRun[]): Promise<LabReport> {
  const report: LabReport = { id: lab.id, passed: 0, failed: 0, skipped: 0, startups: [], memory: new Map() };
  for (const entry of runs) {
    if (entry.event !== 'stopped') continue;
    report.startups.push(entry.startupMs);
    for (const use of entry.memory) {
      if (use.bytes > (report.memory.get(use.service)?.bytes ?? -1)) report.memory.set(use.service, use);
    }
  }
  // Every start of the lab must have been torn down by its test file, also after a failure.
  // What is left (a bug, or tests stopped by Ctrl-C before their teardown) is removed here.
  const projects = runs.filter((entry) => entry.event === 'starting').map((entry) => entry.project);
  const left = (await Promise.all(projects.map((project) => containersOf(run.engine, project)))).flat();
  if (left.length > 0) {
    await runCommand(...run.engine.cli(['rm', '--force', ...left]));
    for (const project of projects) await runCommand(...run.engine.cli(['network', 'rm', `${project}_default`]));
  }
  if (projects.length > 0 && left.length === 0 && !run.interrupted) report.passed++;
  else {
    report.failed++;
    if (projects.length === 0) say.fail(`${lab.id}: no test started the lab in containers`);
    if (left.length > 0) say.fail(`${lab.id}: containers left behind (now removed): ${left.join(', ')}`);
  }
  return report;
}

/** The containers of a Compose project, stopped ones included. */
async function containersOf(engine: Engine, project: string): Promise<string[]> {
  const filter = ['--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'];
  const ps = await runCommand(...engine.cli(['ps', '--all', ...filter]));
  return ps.stdout.split('\n').filter(Boolean);
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
