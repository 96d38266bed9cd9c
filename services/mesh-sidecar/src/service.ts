import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Static } from 'typebox';
import type { Closeable, Logger } from '@commlab/kit';
import { ensureCertificates, haproxyConfig, parseSidecarSpec } from '@commlab/mesh';
import type { SidecarConfig } from './config.ts';

export interface Sidecar {
  start(): Promise<void>;
  parts: Closeable[];
}

/**
 * The sidecar: its certificate (issued on this machine when missing), its HAProxy
 * configuration rendered from the mesh's spec, and HAProxy itself as a child process. HAProxy
 * dies with this process (setpriv --pdeathsig), so a killed sidecar leaves no proxy behind.
 */
export function buildService(config: Static<typeof SidecarConfig>, { logger }: { logger: Logger }): Sidecar {
  const spec = parseSidecarSpec(config.MESH_SIDECAR);
  const certs = resolve(config.MESH_CERTS);
  const file = join(resolve(config.DATA_DIR), 'haproxy.cfg');
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let stopping = false;

  return {
    async start() {
      ensureCertificates([spec.identity], certs, spec.trustDomain);
      mkdirSync(resolve(config.DATA_DIR), { recursive: true });
      // In a container (listening on every interface) the workload is another container, by name.
      const appHost = config.HOST === '0.0.0.0' ? spec.workload : '127.0.0.1';
      // The fault dial starts off; the runtime API changes it in HAProxy's memory (set map).
      const faultsFile = join(resolve(config.DATA_DIR), 'faults.map');
      writeFileSync(faultsFile, 'abort 0\nhang 0\n');
      writeFileSync(
        file,
        haproxyConfig({ ...spec, healthPort: config.PORT }, { host: config.HOST, certs, appHost, faultsFile }),
      );
      const check = spawnSync(config.HAPROXY_BIN, ['-c', '-q', '-f', file], { encoding: 'utf8' });
      if (check.error)
        throw new Error(
          `cannot run ${config.HAPROXY_BIN} (${check.error.message}): run infra/haproxy/haproxy.sh install`,
        );
      if (check.status !== 0) throw new Error(`HAProxy refused ${file}:\n${check.stdout}${check.stderr}`);
      const withDeathSignal = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
      const [command, ...args] = [
        ...(withDeathSignal ? ['setpriv', '--pdeathsig', 'KILL', '--'] : []),
        config.HAPROXY_BIN,
        '-db',
        '-f',
        file,
      ];
      child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => logger.info({ haproxy: line }, 'haproxy'));
      }
      exited = new Promise((done) => child!.once('exit', (code) => done(code)));
      void exited.then((code) => {
        if (stopping) return;
        logger.fatal({ code }, 'haproxy exited');
        process.exit(1);
      });
      logger.info(
        {
          workload: spec.workload,
          identity: `spiffe://${spec.trustDomain}/${spec.identity}`,
          inbound: spec.inbound?.port,
          outbound: spec.outbound.map((o) => `${o.upstream}:${o.port}`),
          config: file,
        },
        'sidecar started',
      );
    },
    parts: [
      {
        name: 'haproxy',
        close: async () => {
          stopping = true;
          // SIGUSR1: soft stop — listeners close, requests in flight finish (hard-stop-after 10s).
          child?.kill('SIGUSR1');
          await exited;
        },
      },
    ],
  };
}
