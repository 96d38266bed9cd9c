import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { run, type Ran } from './run.ts';

/**
 * A container engine with Compose, as the lab harness and the Compose check drive it. Docker
 * Compose is used as is (real depends_on/healthcheck semantics); Podman is driven the way
 * infra/containers/README.md found that Podman 4.3 + podman-compose 1.0.3 work.
 */
export interface Engine {
  name: EngineName;
  /** argv for one call of the engine's own CLI. */
  cli(args: readonly string[]): [string, string[]];
  /** argv for one Compose call on a project made of these files. */
  compose(project: string, files: readonly string[], args: readonly string[]): [string, string[]];
  /** Engine-specific `build` flags. */
  buildFlags: readonly string[];
  /** Starts the project's containers and resolves once every healthcheck passes (or one fails). */
  upHealthy(project: string, files: readonly string[], options?: UpOptions): Promise<Ran>;
  /** Removes the project's containers and network. */
  down(project: string, files: readonly string[]): Promise<Ran>;
}

export type EngineName = 'docker' | 'podman';

export interface UpOptions {
  onLine?: (line: string) => void;
  /** Only these services (and what they depend on); default: every service of the files. */
  services?: readonly string[];
  /**
   * Resolves once the services answer from the host (cheap probes). Podman, which runs no
   * healthcheck by itself, runs each container's healthcheck only then: once, instead of again
   * and again while the services boot, each run a node process competing with them for CPU.
   */
  settled?: () => Promise<void>;
}

const containersDir = join(repoRoot, 'infra/containers');
// Within lab-for-file's 300 s for a start: compose up, up to 90 s for the services to answer,
// then this, so a start that fails says why (wait-healthy.sh prints the unhealthy container).
const healthyTimeoutS = 120;

const docker: Engine = {
  name: 'docker',
  cli: (args) => ['docker', [...args]],
  compose: (project, files, args) => [
    'docker',
    ['compose', '-p', project, ...files.flatMap((f) => ['-f', f]), ...args],
  ],
  buildFlags: ['--progress=plain'],
  upHealthy: (project, files, { onLine, services = [] } = {}) =>
    run(
      ...docker.compose(project, files, [
        'up',
        '--detach',
        '--no-build',
        '--wait',
        `--wait-timeout=${healthyTimeoutS}`,
        ...services,
      ]),
      { ...(onLine && { onLine }) },
    ),
  down: (project, files) =>
    run(...docker.compose(project, files, ['down', '--timeout=5', '--remove-orphans', '--volumes'])),
};

// Every podman call goes through env.sh: without it podman falls back to the host's CNI
// config and builds OCI images, which drop HEALTHCHECK.
const podmanCli = (args: readonly string[]): [string, string[]] => [
  'bash',
  ['-c', '. "$0" && exec "$@"', join(containersDir, 'env.sh'), ...args],
];

const podman: Engine = {
  name: 'podman',
  cli: (args) => podmanCli(['podman', ...args]),
  // The shim makes network_mode work in podman-compose 1.0.3, which ignores top-level `name:`, hence -p.
  compose: (project, files, args) =>
    podmanCli([
      'podman-compose',
      '--podman-path',
      join(containersDir, 'podman-netmode-shim.sh'),
      '-p',
      project,
      ...files.flatMap((f) => ['-f', f]),
      ...args,
    ]),
  // Without cached layers every build starts from the base image, and a rebuild leaves no dangling intermediates.
  buildFlags: ['--layers=false'],
  upHealthy: async (project, files, { onLine, settled, services = [] } = {}) => {
    const up = await run(...podman.compose(project, files, ['up', '-d', ...services]));
    if (up.code !== 0) return up;
    // Whether or not they all answered, wait-healthy.sh then says which container is not healthy.
    await settled?.().catch(() => {});
    // podman-compose 1.0.3 ignores depends_on conditions and Podman 4.3 never runs
    // healthchecks without systemd: wait-healthy.sh runs them until all pass.
    const waited = await run(
      'bash',
      [join(containersDir, 'wait-healthy.sh'), '-t', String(healthyTimeoutS), '-p', project],
      { ...(onLine && { onLine }) },
    );
    return { ...waited, output: `${up.output}\n${waited.output}` };
  },
  down: async (project, files) => {
    const down = await run(...podman.compose(project, files, ['down', '-t', '5', '-v']));
    // podman-compose 1.0.3 leaves the project network behind.
    await run(...podmanCli(['podman', 'network', 'rm', '-f', `${project}_default`]));
    return down;
  },
};

export const engines: Record<EngineName, Engine> = { docker, podman };

const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

/**
 * The engine COMMLAB_CONTAINER_ENGINE names, else Docker when its daemon answers with Compose,
 * else Podman. It installs nothing (`pnpm lab compose-check` does, where it can).
 */
export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): Engine {
  const wanted = env.COMMLAB_CONTAINER_ENGINE;
  if (wanted !== undefined && wanted !== '') {
    if (wanted !== 'docker' && wanted !== 'podman') {
      throw new Error(`COMMLAB_CONTAINER_ENGINE is "${wanted}"; use docker or podman`);
    }
    return engines[wanted];
  }
  return works('docker', ['info']) && works('docker', ['compose', 'version']) ? docker : podman;
}

/**
 * One service's container in a Compose project, driven through the engine's own CLI: what a
 * reader does with `docker compose stop inventory`, and what lab tests do to break a lab.
 */
export interface Container {
  /** SIGTERM, then SIGKILL after the grace period; the container (and its files) stays. */
  stop(graceSeconds?: number): Promise<void>;
  /** SIGKILL at once, as a crash or the OOM killer would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Freezes every process in it (cgroup freezer), as `kill -STOP` does natively. */
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Its last log lines (stdout and stderr). */
  logs(lines: number): Promise<string[]>;
  /** "running", or why not: "exited (exit code 137, killed for memory)" (an OOM kill logs nothing). */
  state(): Promise<string>;
  /**
   * The service's process as this machine sees it: the child of the container's init (Compose
   * files give every service `init: true`); undefined where the engine's processes are not
   * this machine's (Docker Desktop's VM) or the container is not running.
   */
  pid(): Promise<number | undefined>;
}

export async function containerOf(engine: Engine, project: string, service: string): Promise<Container> {
  // Both Docker Compose and podman-compose label containers with their project and service.
  const ps = await run(
    ...engine.cli([
      'ps',
      '--all',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
      '--format',
      '{{.Names}}',
    ]),
  );
  const name = ps.stdout.split('\n').find(Boolean);
  if (ps.code !== 0 || !name)
    throw new Error(`no container for ${service} in Compose project ${project}: ${ps.output}`);
  const call = async (...args: string[]) => {
    const ran = await run(...engine.cli(args));
    if (ran.code !== 0) throw new Error(`${engine.name} ${args.join(' ')} failed (exit ${ran.code}): ${ran.output}`);
    return ran;
  };
  return {
    stop: async (graceSeconds = 10) => void (await call('stop', '--time', String(graceSeconds), name)),
    kill: async () => void (await call('kill', '--signal', 'KILL', name)),
    start: async () => void (await call('start', name)),
    pause: async () => void (await call('pause', name)),
    unpause: async () => void (await call('unpause', name)),
    logs: async (lines) => (await call('logs', '--tail', String(lines), name)).output.split('\n').filter(Boolean),
    state: async () => {
      const format = '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}';
      const [status = '', code, oom] = (await call('inspect', '--format', format, name)).stdout.trim().split(' ');
      if (status === 'running') return status;
      return `${status} (exit code ${code}${oom === 'true' ? ', killed for memory' : ''})`;
    },
    pid: async () => {
      const init = Number((await call('inspect', '--format', '{{.State.Pid}}', name)).stdout.trim());
      return init > 0 ? firstChild(init) : undefined;
    },
  };
}

function firstChild(pid: number): number | undefined {
  try {
    const [child] = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ');
    return child ? Number(child) : undefined;
  } catch {
    return undefined;
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
