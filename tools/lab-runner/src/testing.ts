import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeInfra } from './infra.ts';
import { guideSteps, type GuideStep } from './guide.ts';
import { loadLab } from './labs.ts';
import { labsDir, repoRoot } from './paths.ts';
import { startNative } from './run-lab.ts';
import { resolve as resolvePlaceholders, type Placement } from './topology.ts';

export { matchesStep } from './guide.ts';

export interface LabUnderTest {
  /** host:port of a service. */
  addr(name: string): string;
  /** http://host:port of a service. */
  url(name: string): string;
  /** The last lines each service logged (for failure messages). */
  logs(name: string): string[];
  /** Rewrites a command written for the lab's default ports to the ports of this run. */
  onItsPorts(command: string): string;
  /** Stops one service gracefully and starts it again on the same port and data. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** Extra environment per service, e.g. { notification: { PUSH_HEARTBEAT_MS: '200' } }. */
  env?: Record<string, Record<string, string>>;
}

/**
 * Starts a lab for an integration test: its real services as processes on free ports,
 * with a fresh data directory, against the real brokers. With COMMLAB_LAB_TARGET=running
 * the test drives a lab that is already up instead (`pnpm lab up`, or Compose) on its
 * default ports.
 */
export async function startLab(id: string, options: StartLabOptions = {}): Promise<LabUnderTest> {
  const lab = await loadLab(id);
  if (process.env.COMMLAB_LAB_TARGET === 'running') {
    if (options.env) throw new Error(`this test sets service settings; run it without COMMLAB_LAB_TARGET=running`);
    const placement: Placement = { mode: 'native', infra: nativeInfra() };
    return {
      addr: (name) => resolvePlaceholders(lab, `\${${name}.addr}`, placement),
      url: (name) => resolvePlaceholders(lab, `\${${name}.url}`, placement),
      logs: () => [],
      onItsPorts: (command) => command,
      restart: async () => {
        throw new Error('a test cannot restart services of a lab it did not start');
      },
      stop: async () => {},
    };
  }

  const ports: Record<string, number> = {};
  for (const name of Object.keys(lab.services)) ports[name] = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `commlab-${lab.id}-`));
  const logs = new Map<string, string[]>();
  const running = await startNative(lab, {
    placement: { mode: 'native', infra: nativeInfra(), ports },
    dataDir,
    logFormat: 'json',
    ...(options.env && { env: options.env }),
    output: (service, line) => {
      const lines = logs.get(service) ?? [];
      lines.push(line);
      if (lines.length > 200) lines.shift();
      logs.set(service, lines);
      if (process.env.COMMLAB_TEST_LOGS) console.log(`${service} │ ${line}`);
    },
  });
  return {
    addr: running.addr,
    url: running.url,
    restart: running.restart,
    logs: (name) => logs.get(name) ?? [],
    onItsPorts: (command) =>
      Object.entries(lab.services).reduce(
        (text, [name, spec]) =>
          text.replace(new RegExp(`(localhost|127\\.0\\.0\\.1):${spec.port}\\b`, 'g'), `$1:${ports[name]}`),
        command,
      ),
    stop: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The steps of a lab's guide that CI runs (see guide.ts). */
export function guideOf(id: string): GuideStep[] {
  return guideSteps(readFileSync(join(labsDir, id, 'README.md'), 'utf8'));
}

/** Runs one guide step in bash from the repository root: its exit status and its output. */
export function runStep(lab: LabUnderTest, step: GuideStep): { status: number | null; output: string } {
  const run = spawnSync('bash', ['-c', lab.onItsPorts(step.command)], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
