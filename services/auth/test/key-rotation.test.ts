import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenClient } from '@commlab/security';
import { accessToken, inventoryLikeApi, labSecrets, startAuthServer, type AuthServer } from './helpers.ts';

// Short windows so two full rotations fit in a test: a new key is published 2 s before it
// signs, tokens live 4 s, and a retired key stays 4 s + 1 s tolerance after its last token.
const env = { AUTH_KEY_PUBLISH_LEAD_S: '2', AUTH_ACCESS_TOKEN_TTL_S: '4', AUTH_CLOCK_TOLERANCE_S: '1' };

describe('signing-key rotation on the real authorization server', () => {
  let auth: AuthServer;
  beforeAll(async () => {
    auth = await startAuthServer(env);
  });
  afterAll(() => auth?.stop());

  it('publishes the new key at once but keeps signing with the old one until the lead has passed', async () => {
    const before = decodeProtectedHeader(
      await accessToken(await auth.clientToken({ resource: 'urn:commlab:inventory' })),
    ).kid!;
    const schedule = await auth.rotate();
    const next = schedule.find((k) => k.status === 'next')!;
    expect(schedule.find((k) => k.status === 'signing')?.kid).toBe(before);
    expect(await auth.jwksKids()).toEqual(expect.arrayContaining([before, next.kid]));
    const during = await accessToken(await auth.clientToken({ resource: 'urn:commlab:inventory' }));
    expect(decodeProtectedHeader(during).kid).toBe(before);
    await new Promise((r) => setTimeout(r, 2_100));
    const after = await accessToken(await auth.clientToken({ resource: 'urn:commlab:inventory' }));
    expect(decodeProtectedHeader(after).kid).toBe(next.kid);
  });

  it('refuses a second rotation while a new key waits to sign (409, naming when to retry)', async () => {
    await new Promise((r) => setTimeout(r, 2_100)); // the previous test's key signs by now
    await auth.rotate();
    await expect(auth.rotate()).rejects.toThrow(/409 .*rotation-pending.*starts signing at/);
  });
});

describe('verifying a steady stream of requests while the keys rotate twice', () => {
  let auth: AuthServer;
  beforeAll(async () => {
    auth = await startAuthServer(env);
  });
  afterAll(() => auth?.stop());

  it('fails no request, sees every key sign, and drops the first key once its tokens have expired', async () => {
    // The verifier may refetch the JWKS at most once a second: less than the 2 s lead.
    const api = await inventoryLikeApi({ issuer: auth.issuer, keys: `${auth.issuer}/jwks`, jwksCooldownMs: 1_000 });
    const tokens = createTokenClient({
      tokenUrl: `${auth.issuer}/token`,
      clientId: 'order',
      clientSecret: labSecrets.order!,
      resource: 'urn:commlab:inventory',
      scopes: ['inventory:reserve'],
      refreshBeforeExpiryMs: 1_000,
    });
    const firstKid = (await auth.jwksKids())[0]!;
    const kidsSeen = new Set<string>();
    const failures: string[] = [];
    let requests = 0;

    const stream = (async () => {
      const end = Date.now() + 13_000;
      while (Date.now() < end) {
        const token = await tokens.token();
        const response = await api.app.inject({
          method: 'POST',
          url: '/reservations',
          headers: { authorization: `Bearer ${token}` },
        });
        requests++;
        kidsSeen.add(decodeProtectedHeader(token).kid!);
        if (response.statusCode !== 200)
          failures.push(`${response.statusCode} ${response.headers['www-authenticate']}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    await auth.rotate();
    await new Promise((r) => setTimeout(r, 4_000));
    await auth.rotate();
    await stream;

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(100);
    expect(kidsSeen.size).toBe(3);
    // First key: stopped signing at ~3 s, its last token expired at ~7 s, removed by ~8 s.
    expect(await auth.jwksKids()).not.toContain(firstKid);
    await api.app.close();
  }, 30_000);
});

describe('the keys file', () => {
  it('keeps the signing key across a restart, so tokens issued before it still verify', async () => {
    const first = await startAuthServer();
    const token = await accessToken(
      await first.clientToken({ resource: 'urn:commlab:inventory', scope: 'inventory:read' }),
    );
    await first.stop();
    const second = await startAuthServer({ PORT: new URL(first.issuer).port }, first.dataDir);
    try {
      const api = await inventoryLikeApi({ issuer: second.issuer, keys: `${second.issuer}/jwks` });
      const response = await api.app.inject({
        method: 'GET',
        url: '/stock',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      await api.app.close();
    } finally {
      await second.stop();
    }
  });
});
