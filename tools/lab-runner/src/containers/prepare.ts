import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { colour, type Engine, engines, repoRoot, run, say, seconds } from '@commlab/lab/runner';

const containersDir = join(repoRoot, 'infra/containers');
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
  if (wanted !== 'podman' && works('docker', ['info']) && works('docker', ['compose', 'version']))
    return engines.docker;
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
  return engines.podman;
}

async function step(what: string, script: string[]): Promise<void> {
  const started = Date.now();
  say.step(what);
  const ran = await run('bash', script, { onLine: (line) => say.line(colour.dim(`    ${line}`)) });
  if (ran.code !== 0) throw new Error(`${script[0]} failed (exit ${ran.code}); its output is above`);
  say.ok(`${what.split(' (')[0]} ready in ${seconds(Date.now() - started)}`);
}
