import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { certsDir, ensureCertificates } from '@commlab/mesh';
import { repoRoot } from '@commlab/lab/runner';

/** The mesh CA's folder on this machine (what the sidecars read; Compose mounts it). */
export const certs = join(repoRoot, certsDir);

/**
 * Certificates for the lab's identities, issued before the lab starts: natively a sidecar
 * would issue its own, but a sidecar in a container only reads what the host issued.
 * notification's is the "valid certificate, wrong identity" of the tests.
 */
export function issueLabCertificates(): void {
  ensureCertificates(['order', 'inventory', 'notification'], certs);
}

/** The bad certificates the refusal tests need: expired, and from another CA. */
export function issueBadCertificates(): void {
  for (const kind of ['expired', 'foreign']) {
    const run = spawnSync(
      'flock',
      [join(certs, '.issue.lock'), 'bash', join(repoRoot, 'infra/certs/certs.sh'), '--dir', certs, kind, 'order'],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`certs.sh ${kind} order failed: ${run.stderr}`);
  }
}
