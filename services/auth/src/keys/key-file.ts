import { generateKeyPair } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import Type from 'typebox';
import Value from 'typebox/value';
import type { ScheduledKey } from './key-ring.ts';

/** The one signing algorithm: RS256, which RFC 9068 §4 asks every resource server to support. */
export const signingAlgorithm = 'RS256';

export interface SigningKey extends ScheduledKey {
  /** The private RSA key as a JWK (it never leaves this process and the keys file). */
  jwk: JWK & { kid: string };
}

const KeyFileSchema = Type.Object({
  keys: Type.Array(
    Type.Object({
      kid: Type.String(),
      publishedAt: Type.Number(),
      signsFrom: Type.Number(),
      signsUntil: Type.Optional(Type.Number()),
      removeAt: Type.Optional(Type.Number()),
      jwk: Type.Object({ kty: Type.Literal('RSA'), kid: Type.String(), d: Type.String(), n: Type.String() }),
    }),
  ),
});

/**
 * Keeps the signing keys and their schedule in one JSON file, readable by this user only.
 * The keys survive a restart on purpose: the tokens services hold stay verifiable, and a
 * rotation in progress resumes where it was. Everything else (authorization codes, login
 * sessions) lives in oidc-provider's in-memory adapter and may be lost with the process.
 */
export function keyFile(path: string) {
  return {
    path,
    async load(): Promise<SigningKey[] | undefined> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      // A damaged file stops start-up: silently making new keys would void every token in use.
      if (!Value.Check(KeyFileSchema, value)) {
        throw new Error(`${path} is not a keys file this server wrote; move it away to start with a new key`);
      }
      return (value as { keys: SigningKey[] }).keys;
    },
    /** Written to a temporary file first and renamed, so a crash never leaves half a file. */
    async save(keys: readonly SigningKey[]): Promise<void> {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}

/** A new RSA key; its kid is the RFC 7638 thumbprint, so equal keys can never get two names. */
export async function newSigningJwk(): Promise<SigningKey['jwk']> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', e: jwk.e!, n: jwk.n! });
  return { ...jwk, kid, alg: signingAlgorithm, use: 'sig' };
}

/** The public half of a signing JWK, as the JWKS shows it. */
export function publicJwk({ kty, n, e, kid, alg, use }: SigningKey['jwk']): JWK {
  return { kty, n, e, kid, alg, use };
}
