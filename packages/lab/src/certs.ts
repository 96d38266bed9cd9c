import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './define.ts';
import { repoRoot, runDir } from './paths.ts';

/** Where infra/certs/certs.sh writes the lab PKI natively; containers see it at `/certs` (read-only). */
export const nativeCertsDir = join(runDir, 'certs');
export const containerCertsDir = '/certs';

const certsScript = join(repoRoot, 'infra/certs/certs.sh');
const named = /\$\{certs\.dir\}\/([a-z0-9-]+)\.(?:crt|key|pem)/g;

/** The certificates a lab's settings name (`${certs.dir}/order.crt` names order). */
export function certificatesNamed(lab: Lab): string[] {
  const names = Object.values(lab.services).flatMap((spec) =>
    Object.values(spec.env).flatMap((value) => [...value.matchAll(named)].map((m) => m[1]!)),
  );
  // ca.crt is the trust anchor the script makes with the first certificate, never one to issue.
  return [...new Set(names)].filter((name) => name !== 'ca').sort();
}

/**
 * Issues the certificates a lab names before it starts, with the committed script, when one is
 * missing or expires within the hour. Keys are made readable to the containers' `node` user
 * (CERTS_KEY_MODE=644): throwaway lab keys in a gitignored folder. Test files start labs in
 * parallel, so one issues at a time (a lock directory) and the others find the files made.
 */
export async function prepareCertificates(lab: Lab): Promise<void> {
  const names = certificatesNamed(lab);
  if (names.length === 0) return;
  const lock = join(runDir, 'certs.lock');
  mkdirSync(runDir, { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000) throw new Error(`${lock} held for a minute: remove it if no lab is starting`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const stale = names.filter((name) => !validForAnHour(join(nativeCertsDir, `${name}.crt`)));
    if (stale.length > 0 || !existsSync(join(nativeCertsDir, 'ca.crt'))) {
      execFileSync(certsScript, ['issue', ...stale], {
        env: { ...process.env, CERTS_DIR: nativeCertsDir, CERTS_KEY_MODE: '644' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    // A certificate re-issued by hand (certs.sh's default mode, 600) would be unreadable to the
    // containers' user, and the service would never start: the lab's keys are readable.
    for (const name of names) {
      for (const file of [`${name}.key`, `${name}.pem`]) chmodSync(join(nativeCertsDir, file), 0o644);
    }
  } finally {
    rmdirSync(lock);
  }
}

function validForAnHour(certificate: string): boolean {
  if (!existsSync(certificate)) return false;
  return spawnSync('openssl', ['x509', '-checkend', '3600', '-noout', '-in', certificate]).status === 0;
}
