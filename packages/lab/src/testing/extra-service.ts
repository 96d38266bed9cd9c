import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@commlab/testkit';
import { servicesDir } from '../paths.ts';

export interface ExtraService {
  url: string;
  stop(): Promise<void>;
}

/**
 * One more copy of a service (HTTP health), beside a lab under test: its own free port and
 * temporary data folder, `env` over its defaults, its warnings on this process's stderr. For a
 * benchmark's variant that a lab cannot hold twice, e.g. order without any pattern of lab 11.
 */
export async function startExtraService(
  service: string,
  name: string,
  env: Record<string, string>,
): Promise<ExtraService> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `commlab-${name}-`));
  const child = spawn(process.execPath, [join(servicesDir, service, 'src/main.ts')], {
    env: {
      ...process.env,
      SERVICE_NAME: name,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const end = Date.now() + 60_000; ; await sleep(200)) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    }
    if (Date.now() > end) {
      await stop();
      throw new Error(`${name} was not ready after 60 s`);
    }
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, stop };
  }
}
