import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { colour, say } from '../say.ts';
import { run, type Ran } from './run.ts';

/**
 * A container engine with Compose, as the compose check needs it. Docker Compose is used as
 * is (real depends_on/healthcheck semantics); Podman is driven the way infra/containers/README.md
 * found that Podman 4.3 + podman-compose 1.0.3 work.
 */
export interface Engine {
  name: 'docker' | 'podman';
  /** argv for one call of the engine's own CLI. */
  cli(args: readonly string[]): [string, string[]];
  /** argv for one Compose call on a project made of these files. */
  compose(project: string, files: readonly string[], args: readonly string[]): [string, string[]];
  /** Engine-specific `build` flags. */
  buildFlags: readonly string[];
  /** Starts the project's containers and resolves once every healthcheck passes (or one fails). */
  upHealthy(project: string, files: readonly string[], onLine: (line: string) => void): Promise<Ran>;
  /** Removes the project's containers and network. */
  down(project: string, files: readonly string[]): Promise<Ran>;
}

const containersDir = join(repoRoot, 'infra/containers');
const healthyTimeoutS = 180;

const docker: Engine = {
  name: 'docker',
  cli: (args) => ['docker', [...args]],
  compose: (project, files, args) => [
    'docker',
    ['compose', '-p', project, ...files.flatMap((f) => ['-f', f]), ...args],
  ],
  buildFlags: ['--progress=plain'],
  upHealthy: (project, files, onLine) =>
    run(
      ...docker.compose(project, files, [
        'up',
        '--detach',
        '--no-build',
        '--wait',
        `--wait-timeout=${healthyTimeoutS}`,
      ]),
      { onLine },
    ),
  down: (project, files) => run(...docker.compose(project, files, ['down', '--timeout=5', '--remove-orphans'])),
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
  upHealthy: async (project, files, onLine) => {
    const up = await run(...podman.compose(project, files, ['up', '-d']));
    if (up.code !== 0) return up;
    // podman-compose 1.0.3 ignores depends_on conditions and Podman 4.3 never runs
    // healthchecks without systemd: wait-healthy.sh runs them until all pass.
    const waited = await run(
      'bash',
      [join(containersDir, 'wait-healthy.sh'), '-t', String(healthyTimeoutS), '-p', project],
      { onLine },
    );
    return { ...waited, output: `${up.output}\n${waited.output}` };
  },
  down: async (project, files) => {
    const down = await run(...podman.compose(project, files, ['down', '-t', '5']));
    // podman-compose 1.0.3 leaves the project network behind.
    await run(...podmanCli(['podman', 'network', 'rm', '-f', `${project}_default`]));
    return down;
  },
};

const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const onPath = (command: string) => works('sh', ['-c', `command -v ${command}`]);

/**
 * Finds a working engine: Docker with Compose when its daemon answers, else Podman. As root on
 * a Debian-like machine, Podman and podman-compose are installed when missing, and the Node base
 * image is built locally when absent (CI cannot pull images). COMMLAB_CONTAINER_ENGINE picks one.
 * Throws with the reason and the fix when no engine can be had.
 */
export async function prepareEngine(): Promise<Engine> {
  const wanted = process.env.COMMLAB_CONTAINER_ENGINE;
  if (wanted && wanted !== 'docker' && wanted !== 'podman') {
    throw new Error(`COMMLAB_CONTAINER_ENGINE is "${wanted}"; use docker or podman`);
  }
  if (wanted !== 'podman' && works('docker', ['info']) && works('docker', ['compose', 'version'])) return docker;
  if (wanted === 'docker') {
    throw new Error('COMMLAB_CONTAINER_ENGINE=docker, but `docker info` or `docker compose version` fails');
  }
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall && !(onPath('podman') && onPath('podman-compose'))) {
    throw new Error(
      'no container engine: Docker with Compose is not running, Podman with podman-compose is not installed, ' +
        'and this is not a root shell with apt-get to install them. Install Docker (with Compose) or run ' +
        'infra/containers/setup-podman.sh as root, or pass --native-only to leave the Compose checks out',
    );
  }
  await step('Podman setup (infra/containers/setup-podman.sh: installs what is missing, then checks)', [
    join(containersDir, 'setup-podman.sh'),
  ]);
  await step('Node base image (infra/containers/base-image.sh: builds it once when missing)', [
    join(containersDir, 'base-image.sh'),
  ]);
  return podman;
}

async function step(what: string, script: string[]): Promise<void> {
  const started = Date.now();
  say.step(what);
  const ran = await run('bash', script, { onLine: (line) => say.line(colour.dim(`    ${line}`)) });
  if (ran.code !== 0) throw new Error(`${script[0]} failed (exit ${ran.code}); its output is above`);
  say.ok(`${what.split(' (')[0]} ready in ${seconds(Date.now() - started)}`);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
