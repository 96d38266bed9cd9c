import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type VerifierOptions } from './verifier.ts';

const issuer = 'https://issuer.test';
const audience = 'urn:test:api';
type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let signing: Keys;
let other: Keys;
let signingJwk: JWK;

const token = (keys: Keys, kid: string | undefined, claims: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer,
    aud: audience,
    sub: 'svc',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 300,
    client_id: 'svc',
    scope: 'a b',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...(kid && { kid }) })
    .sign(keys.privateKey);
};

/** A JWKS endpoint this test controls: it counts requests and can be switched off. */
let jwksServer: Server | undefined;
async function serveJwks(keys: () => JWK[]) {
  const state = { requests: 0, up: true };
  jwksServer = createServer((_req, res) => {
    state.requests++;
    if (!state.up) {
      res.statusCode = 503;
      return res.end();
    }
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: keys() }));
  });
  await new Promise<void>((resolve) => jwksServer!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`, state };
}

const verifierFor = (url: string, options: Partial<VerifierOptions> = {}) =>
  createVerifier({ issuer, audience, keys: url, ...options });

beforeAll(async () => {
  signing = await generateKeyPair('RS256');
  other = await generateKeyPair('RS256');
  signingJwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
});
afterEach(() => {
  jwksServer?.close();
  jwksServer = undefined;
});

describe('the access-token verifier', () => {
  it('returns who the token is for, its client and scopes', async () => {
    const { url } = await serveJwks(() => [signingJwk]);
    const verified = await verifierFor(url).verify(await token(signing, 'k1'));
    expect(verified).toMatchObject({ subject: 'svc', clientId: 'svc', keyId: 'k1' });
    expect([...verified.scopes]).toEqual(['a', 'b']);
  });

  it('refuses a token that names no key, even when the key set has only one', async () => {
    const { url } = await serveJwks(() => [signingJwk]);
    await expect(verifierFor(url).verify(await token(signing, undefined))).rejects.toMatchObject({
      reason: 'unknown-key',
    });
  });

  it('refuses a token without client_id or jti (RFC 9068 §2.2)', async () => {
    const { url } = await serveJwks(() => [signingJwk]);
    const withoutClient = await token(signing, 'k1', { client_id: undefined });
    await expect(verifierFor(url).verify(withoutClient)).rejects.toMatchObject({ reason: 'claims' });
  });

  it('tolerates a few seconds of clock skew and no more', async () => {
    const { url } = await serveJwks(() => [signingJwk]);
    const now = Math.floor(Date.now() / 1000);
    const verifier = verifierFor(url, { clockToleranceSeconds: 5 });
    await expect(verifier.verify(await token(signing, 'k1', { exp: now - 3 }))).resolves.toBeDefined();
    await expect(verifier.verify(await token(signing, 'k1', { exp: now - 30 }))).rejects.toMatchObject({
      reason: 'expired',
    });
  });

  it('fetches the key set once for a hundred concurrent tokens with unknown kids, and not again within the cooldown', async () => {
    const { url, state } = await serveJwks(() => [signingJwk]);
    const verifier = verifierFor(url, { jwksCooldownMs: 60_000 });
    await verifier.verify(await token(signing, 'k1'));
    expect(state.requests).toBe(1);
    const forged = await Promise.all(Array.from({ length: 100 }, (_, i) => token(other, `forged-${i}`)));
    const results = await Promise.allSettled(forged.map((t) => verifier.verify(t)));
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as { reason: string }).reason === 'unknown-key'),
    ).toBe(true);
    expect(state.requests).toBe(1); // the fetch for k1 just happened: the cooldown holds every refetch back
  });

  it('makes one fetch for a hundred tokens arriving together at a cold cache', async () => {
    const { url, state } = await serveJwks(() => [signingJwk]);
    const verifier = verifierFor(url);
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => token(i % 2 ? signing : other, i % 2 ? 'k1' : `x${i}`)),
    );
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(state.requests).toBe(1);
  });

  it('picks up a key published after its cache was filled, once the cooldown has passed', async () => {
    const keys = [signingJwk];
    const { url, state } = await serveJwks(() => keys);
    const verifier = verifierFor(url, { jwksCooldownMs: 50 });
    await verifier.verify(await token(signing, 'k1'));
    keys.push({ ...(await exportJWK(other.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' });
    await new Promise((r) => setTimeout(r, 60));
    await expect(verifier.verify(await token(other, 'k2'))).resolves.toMatchObject({ keyId: 'k2' });
    expect(state.requests).toBe(2);
  });

  it('keeps verifying with the keys it has while the key set cannot be fetched', async () => {
    const { url, state } = await serveJwks(() => [signingJwk]);
    const verifier = verifierFor(url, { jwksMaxAgeMs: 20 });
    await verifier.verify(await token(signing, 'k1'));
    state.up = false;
    await new Promise((r) => setTimeout(r, 40)); // the cache is now stale, and the refetch fails
    await expect(verifier.verify(await token(signing, 'k1'))).resolves.toMatchObject({ keyId: 'k1' });
    expect(state.requests).toBe(2);
  });

  it('answers 503 (not 401) when it has never been able to load the key set', async () => {
    const { url, state } = await serveJwks(() => [signingJwk]);
    state.up = false;
    await expect(verifierFor(url).verify(await token(signing, 'k1'))).rejects.toMatchObject({
      reason: 'keys-unavailable',
      status: 503,
    });
  });
});
