import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { JWK } from 'jose';
import { createVerifier, type TokenVerifier, type VerifierOptions } from '@commlab/security';
import { bearerAuth } from '@commlab/security/fastify';
import { freePort } from '@commlab/testkit';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface AuthServer {
  /** Its base URL (also its issuer, unless AUTH_ISSUER says otherwise). */
  issuer: string;
  dataDir: string;
  /** A token from the real token endpoint (client credentials, lab registry secrets by default). */
  clientToken(request: { client?: string; secret?: string; resource: string; scope?: string }): Promise<Response>;
  /** The current signing key, read from the server's keys file (the lab's throwaway key). */
  signingJwk(): JWK;
  /** Rotates the signing keys through the admin API, as the lab-admin client. */
  rotate(): Promise<{ kid: string; status: string }[]>;
  jwksKids(): Promise<string[]>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  output(): string;
}

export const labSecrets: Record<string, string> = { order: 'order-lab-secret', 'lab-admin': 'lab-admin-secret' };

/** The real authorization server, as its own process on a free port, with its own data folder. */
export async function startAuthServer(env: Record<string, string> = {}, dataDir?: string): Promise<AuthServer> {
  // A free port can still be taken by another test's server before the child binds it: then
  // the child exits on EADDRINUSE, and another port is tried (never one the test chose).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAuthServerOn(env.PORT ? Number(env.PORT) : await freePort(), env, dataDir);
    } catch (err) {
      if (env.PORT || attempt === 3 || !(err as Error).message.includes('EADDRINUSE')) throw err;
    }
  }
}

async function startAuthServerOn(port: number, env: Record<string, string>, dataDir?: string): Promise<AuthServer> {
  const issuer = `http://127.0.0.1:${port}`;
  const data = dataDir ?? mkdtempSync(join(tmpdir(), 'commlab-auth-'));
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), DATA_DIR: data, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Ready, and this child: its metadata names its issuer. A /readyz alone could be another
  // test's server that took the port first, while this child exits on EADDRINUSE.
  const expectedIssuer = env.AUTH_ISSUER ?? issuer;
  const answers = async (path: string, check: (r: Response) => Promise<boolean>) =>
    fetch(`${issuer}${path}`).then(check, () => false);
  for (let i = 0; ; i++) {
    const ready =
      (await answers('/readyz', async (r) => r.ok)) &&
      (await answers('/.well-known/openid-configuration', async (r) =>
        r.ok ? ((await r.json()) as { issuer?: string }).issuer === expectedIssuer : false,
      ));
    if (ready) break;
    if (i > 150 || child.exitCode !== null) throw new Error(`auth server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const clientToken: AuthServer['clientToken'] = ({ client = 'order', secret, resource, scope }) =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client}:${secret ?? labSecrets[client]}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, ...(scope && { scope }) }),
    });

  return {
    issuer,
    dataDir: data,
    clientToken,
    signingJwk() {
      const { keys } = JSON.parse(readFileSync(join(data, 'auth-keys.json'), 'utf8')) as {
        keys: { jwk: JWK; signsFrom: number; signsUntil?: number }[];
      };
      const now = Date.now();
      return keys.find((k) => k.signsFrom <= now && (k.signsUntil === undefined || now < k.signsUntil))!.jwk;
    },
    async rotate() {
      const admin = (await (
        await clientToken({ client: 'lab-admin', resource: 'urn:commlab:auth', scope: 'keys:rotate' })
      ).json()) as { access_token: string };
      const response = await fetch(`${issuer}/admin/keys/rotate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.access_token}` },
      });
      if (response.status !== 202) throw new Error(`rotation refused: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { keys: { kid: string; status: string }[] }).keys;
    },
    async jwksKids() {
      const { keys } = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };
      return keys.map((k) => k.kid);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    output: () => output,
  };
}

export async function accessToken(response: Response): Promise<string> {
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * A resource server like inventory's, guarded by the real verifier and fastify hook: three
 * routes needing different scopes, and a count of requests its handlers actually served.
 */
export async function inventoryLikeApi(options: Omit<VerifierOptions, 'audience'> & { audience?: string }) {
  const verifier: TokenVerifier = createVerifier({ audience: 'urn:commlab:inventory', ...options });
  const auth = bearerAuth(verifier, { realm: 'inventory' });
  const served: string[] = [];
  const app = Fastify();
  const handler = (name: string) => async () => {
    served.push(name);
    return { ok: name };
  };
  app.get('/stock', { preHandler: auth.require('inventory:read') }, handler('stock'));
  app.post('/reservations', { preHandler: auth.require('inventory:reserve') }, handler('reserve'));
  app.post('/adjustments', { preHandler: auth.require('inventory:adjust') }, handler('adjust'));
  await app.ready();
  return { app, served, verifier };
}
