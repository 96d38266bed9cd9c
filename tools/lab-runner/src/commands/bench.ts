import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderText, saveReport, type Experiment, type ExperimentContext } from '@commlab/bench';
import { catalogue } from '../catalogue.ts';
import type { LabSpec } from '../define.ts';
import { ensureInfra, nativeInfra } from '../infra.ts';
import { parseLabPorts } from '../lab-ports.ts';
import { loadLab } from '../labs.ts';
import { labsDir, repoRoot, runDir } from '../paths.ts';
import { startNative, type NativeLab } from '../run-lab.ts';
import { colour, say } from '../say.ts';
import { freePort } from '../testing.ts';
import { allPorts, dependencies, resolve, type Placement } from '../topology.ts';

/** What a lab's `bench.ts` exports: its experiments, and which of its services each one measures. */
export interface LabBenchmarks {
  experiments: (Experiment & { services: string[] })[];
}

const usage = `usage: pnpm lab bench <experiment> [--short] [--running]

  --short     a fraction of a second per run: checks the experiment works, numbers mean little
              (COMMLAB_BENCH_SHORT=1 does the same: CI runs the guide's steps so)
  --running   measure the lab already running (pnpm lab up, or its compose.yaml) on its default
              ports, instead of starting a copy of its services on free ports

Reports go to the terminal and to .run/bench/<experiment>.json and .html (charts).`;

/**
 * pnpm lab bench: runs one experiment of a lab's benchmarks (labs/NN/bench.ts), with the
 * services it measures started on free ports — formatted logs written to a file, as `lab up`
 * formats them — unless --running points it at a lab already up.
 */
export async function bench(args: string[]): Promise<number> {
  const short = args.includes('--short') || process.env.COMMLAB_BENCH_SHORT === '1';
  const running = args.includes('--running') || process.env.COMMLAB_LAB_TARGET === 'running';
  const unknownFlag = args.find((a) => a.startsWith('--') && a !== '--short' && a !== '--running');
  const [name, ...extra] = args.filter((a) => !a.startsWith('--'));
  const all = await benchmarks();
  if (unknownFlag || extra.length > 0 || !name) {
    if (unknownFlag) say.fail(`unknown option ${unknownFlag}`);
    if (extra.length > 0) say.fail(`one experiment at a time (got ${[name, ...extra].join(', ')})`);
    say.line(usage);
    say.line();
    for (const { lab, experiment } of all) say.line(`  ${experiment.name.padEnd(13)} ${lab}: ${experiment.title}`);
    // No name is a request for the list; a wrong flag or several names are mistakes.
    return unknownFlag || extra.length > 0 ? 2 : 0;
  }
  const found = all.find((b) => b.experiment.name === name);
  if (!found) {
    say.fail(`no experiment "${name}"; there are: ${all.map((b) => b.experiment.name).join(', ')}`);
    return 2;
  }
  const lab = await loadLab(found.lab);
  const { experiment } = found;
  if (!(await ensureInfra(lab.infra))) return 1;

  const outDir = join(runDir, 'bench');
  mkdirSync(outDir, { recursive: true });
  const started =
    running || experiment.services.length === 0
      ? undefined
      : // A free port can be taken by someone else's connection before the service listens on it
        // (a busy shared machine): one more try, on other free ports.
        await startServices(lab, experiment.services, outDir, experiment.name).catch(() =>
          startServices(lab, experiment.services, outDir, experiment.name),
        );
  const placement: Placement = started?.placement ?? {
    mode: 'native',
    infra: nativeInfra(),
    ports: parseLabPorts(lab, process.env.COMMLAB_LAB_PORTS),
  };
  const infra = placement.infra;
  const at = (service: string, extraPort: string | undefined, key: 'addr' | 'url') =>
    resolve(lab, `\${${service}${extraPort ? `.${extraPort}` : ''}.${key}}`, placement);
  const context: ExperimentContext = {
    short,
    addr: (service, extraPort) => at(service, extraPort, 'addr'),
    url: (service, extraPort) => at(service, extraPort, 'url'),
    pid: (service) => started?.lab.services.find((s) => s.name === service)?.child.pid,
    dataDir: (service) => (started ? join(started.dataDir, service) : undefined),
    infra: {
      kafkaBrokers: infra['kafka.brokers']!.split(','),
      amqpUrl: infra['rabbitmq.url']!,
      redisUrl: infra['redis.url']!,
    },
    progress: (text) => console.error(colour.dim(`  · ${text}`)),
    serviceLog: (source, line) => started?.log(`${source} │ ${line}`),
  };

  say.step(`${experiment.title}${short ? ' (short run)' : ''}`);
  if (started) say.line(colour.dim(`  services' logs: ${relative(repoRoot, started.logFile)}`));
  try {
    const report = await experiment.run(context);
    const data = report.finish();
    console.log(renderText(data));
    const files = saveReport(data, outDir);
    say.line();
    say.ok(`report: ${relative(repoRoot, files.html)} (charts) and ${relative(repoRoot, files.json)}`);
    return 0;
  } finally {
    await started?.stop();
  }
}

/** Every experiment of every lab that has a bench.ts, in chapter order. */
async function benchmarks(): Promise<{ lab: string; experiment: LabBenchmarks['experiments'][number] }[]> {
  const found = [];
  for (const { id } of catalogue) {
    const file = join(labsDir, id, 'bench.ts');
    if (!existsSync(file)) continue;
    const { experiments } = (await import(pathToFileURL(file).href)) as LabBenchmarks;
    found.push(...experiments.map((experiment) => ({ lab: id, experiment })));
  }
  return found;
}

/** The services an experiment measures (and those they call), natively on free ports, logs to a file. */
async function startServices(
  lab: LabSpec,
  names: string[],
  outDir: string,
  experiment: string,
): Promise<{
  lab: NativeLab;
  placement: Placement;
  dataDir: string;
  logFile: string;
  log(line: string): void;
  stop(): Promise<void>;
}> {
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    if (!lab.services[name]) throw new Error(`lab ${lab.id} has no service ${name}`);
    needed.add(name);
    dependencies(lab.services[name], lab).forEach(visit);
  };
  names.forEach(visit);
  const subset: LabSpec = {
    ...lab,
    services: Object.fromEntries(Object.entries(lab.services).filter(([name]) => needed.has(name))),
  };
  const ports: Record<string, number> = {};
  for (const { key } of allPorts(subset)) ports[key] = await freePort();
  const placement: Placement = { mode: 'native', infra: nativeInfra(), ports };
  const dataDir = mkdtempSync(join(outDir, 'data-'));
  const logFile = join(outDir, `${experiment}.services.log`);
  const log = createWriteStream(logFile);
  // JSON lines, read and written to a file, as the baselines' are: both pay alike for logging.
  // (`pnpm lab up` also formats them for the terminal, in the runner: see pretty-logs.ts.)
  const native = await startNative(subset, {
    placement,
    dataDir,
    logFormat: 'json',
    output: (service, line) => log.write(`${service} │ ${line}\n`),
  }).catch((err: unknown) => {
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    lab: native,
    placement,
    dataDir,
    logFile,
    log: (line) => log.write(`${line}\n`),
    stop: async () => {
      await native.stop();
      await new Promise((done) => log.end(done));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
