import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderText, saveReport, type ExperimentContext, type LabBenchmarks, type LabExperiment } from '@commlab/bench';
import {
  catalogue,
  colour,
  ensureInfra,
  labTarget,
  labsDir,
  loadLab,
  nativeInfra,
  repoRoot,
  runDir,
  say,
  startLab,
  stopStartedInfra,
  type LabTarget,
  type LabUnderTest,
} from '@commlab/lab/runner';
import { ensureDebianPackages, servicePackages } from '../debian-packages.ts';

const usage = `usage: pnpm lab bench <experiment> [--short] [--running]

  --short     a fraction of a second per run: checks the experiment works, numbers mean little
              (COMMLAB_BENCH_SHORT=1 does the same: CI runs the guide's steps so)
  --running   measure the lab already running (pnpm lab up, or its compose.yaml) on its default
              ports, instead of starting a copy of its services on free ports

The copy runs as processes, or in containers with COMMLAB_LAB_TARGET=compose (images built by
pnpm lab compose-check). Reports go to the terminal and to .run/bench/<experiment>.json and
.html (charts).`;

/**
 * pnpm lab bench: runs one experiment of a lab's benchmarks (labs/NN/bench.ts), with the
 * services it measures (and what they call, never the console) started by the lab package on
 * free ports — processes or containers, as COMMLAB_LAB_TARGET says — their JSON logs written to
 * a file beside the baselines', unless --running points it at a lab already up.
 */
export async function bench(args: string[]): Promise<number> {
  const short = args.includes('--short') || process.env.COMMLAB_BENCH_SHORT === '1';
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
  const { experiment } = found;
  const target: LabTarget = args.includes('--running') ? 'running' : labTarget();
  const definition = await loadLab(found.lab);
  if (!(await ensureInfra(definition.infra)) || !ensureDebianPackages(servicePackages([definition]))) return 1;

  const outDir = join(runDir, 'bench');
  mkdirSync(outDir, { recursive: true });
  const logFile = join(outDir, `${experiment.name}.services.log`);
  const log = createWriteStream(logFile);
  const write = (source: string, line: string) => log.write(`${source} │ ${line}\n`);
  const start = () =>
    startLab(found.lab, {
      target,
      services: experiment.services,
      // JSON lines, read and written to a file, as the baselines' are: both pay alike for logging.
      output: write,
    });
  let lab: LabUnderTest | undefined;
  try {
    // A free port can be taken by someone else's connection before the service listens on it
    // (a busy shared machine): one more try, on other free ports.
    if (experiment.services.length > 0) lab = await start().catch(start);
    // Containers outlive this process: Ctrl-C removes them, as the end of the run does.
    if (lab?.target === 'compose') stopOnSignal(lab);
    const context = await contextOf(experiment, lab, { short, write });
    const where = { native: undefined, compose: 'its services in containers', running: 'the running lab' };
    const notes = [short && 'short run', lab && where[lab.target]].filter(Boolean);
    say.step(`${experiment.title}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
    say.line(colour.dim(`  logs: ${relative(repoRoot, logFile)}`));
    const report = await experiment.run(context);
    const data = report.finish();
    console.log(renderText(data));
    const files = saveReport(data, outDir);
    say.line();
    say.ok(`report: ${relative(repoRoot, files.html)} (charts) and ${relative(repoRoot, files.json)}`);
    return 0;
  } finally {
    // A container's log is its engine's: copied beside the baselines' once the run is over.
    if (lab?.target === 'compose') {
      for (const service of lab.serviceNames)
        for (const line of await lab.logs(service).catch(() => [])) write(service, line);
    }
    await lab?.stop();
    await new Promise((done) => log.end(done));
    stopStartedInfra(); // the broker clusters an experiment needed, if this run started them
  }
}

/** Where the experiment's services are, for the experiment: addresses, process ids, data folders, brokers. */
async function contextOf(
  experiment: LabExperiment,
  lab: LabUnderTest | undefined,
  { short, write }: { short: boolean; write: (source: string, line: string) => void },
): Promise<ExperimentContext> {
  const pids = new Map<string, number | undefined>();
  for (const service of lab?.serviceNames ?? []) pids.set(service, await lab!.pid(service));
  const at = (service: string, extraPort: string | undefined, key: 'addr' | 'url') => {
    if (!lab) throw new Error(`experiment ${experiment.name} lists no services in bench.ts, yet asks for ${service}`);
    return lab.resolve(`\${${service}${extraPort ? `.${extraPort}` : ''}.${key}}`);
  };
  // The brokers as this machine reaches them: the baselines run here, whatever the services run in.
  const infra = nativeInfra();
  return {
    short,
    addr: (service, extraPort) => at(service, extraPort, 'addr'),
    url: (service, extraPort) => at(service, extraPort, 'url'),
    pid: (service) => pids.get(service),
    // Only a service running here keeps its files where the bench can read them.
    dataDir: (service) => (lab?.target === 'native' ? lab.env(service).DATA_DIR : undefined),
    infra: {
      kafkaBrokers: infra['kafka.brokers']!.split(','),
      amqpUrl: infra['rabbitmq.url']!,
      redisUrl: infra['redis.url']!,
    },
    progress: (text) => console.error(colour.dim(`  · ${text}`)),
    serviceLog: write,
  };
}

/** Every experiment of every lab that has a bench.ts, in chapter order. */
async function benchmarks(): Promise<{ lab: string; experiment: LabExperiment }[]> {
  const found = [];
  for (const { id } of catalogue) {
    const file = join(labsDir, id, 'bench.ts');
    if (!existsSync(file)) continue;
    const { experiments } = (await import(pathToFileURL(file).href)) as LabBenchmarks;
    found.push(...experiments.map((experiment) => ({ lab: id, experiment })));
  }
  return found;
}

function stopOnSignal(lab: LabUnderTest): void {
  const stop = (signal: NodeJS.Signals) => {
    say.warn(`${signal}: removing the experiment's containers`);
    void lab.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
