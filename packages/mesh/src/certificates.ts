import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const certsScript = fileURLToPath(new URL('../../../infra/certs/certs.sh', import.meta.url));

/** Whether dir holds a certificate for identity (with its key) valid for at least another hour. */
export function hasCertificate(dir: string, identity: string): boolean {
  const pem = `${dir}/${identity}.pem`;
  if (!existsSync(pem) || !existsSync(`${dir}/ca.crt`)) return false;
  try {
    const cert = new X509Certificate(readFileSync(pem));
    return new Date(cert.validTo).getTime() - Date.now() > 3_600_000;
  } catch {
    return false;
  }
}

/**
 * Issues a certificate (spiffe://<trust domain>/<identity>) for each identity that has none
 * valid for another hour, with infra/certs/certs.sh and the same CA, one issuer at a time
 * (sidecars starting together share the CA's serial file). Keys are issued readable by others
 * (CERTS_KEY_MODE=644): the sidecar containers run as another user. Throwaway lab keys only.
 */
export function ensureCertificates(identities: readonly string[], dir: string, trustDomain = 'commlab'): void {
  const missing = identities.filter((identity) => !hasCertificate(dir, identity));
  if (missing.length === 0) return;
  if (!existsSync(certsScript)) {
    throw new Error(
      `no certificate valid for another hour for ${missing.join(', ')} in ${dir}, and no infra/certs/certs.sh here to ` +
        `issue one: on the host, run CERTS_KEY_MODE=644 infra/certs/certs.sh issue ${missing.join(' ')}`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const run = spawnSync('flock', [`${dir}/.issue.lock`, 'bash', certsScript, '--dir', dir, 'issue', ...missing], {
    encoding: 'utf8',
    env: { ...process.env, CERTS_KEY_MODE: '644', CERTS_TRUST_DOMAIN: trustDomain },
  });
  if (run.status !== 0) {
    throw new Error(`infra/certs/certs.sh issue ${missing.join(' ')} failed:\n${run.stderr || run.stdout}`);
  }
}
