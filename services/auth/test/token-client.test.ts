import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenClient, TokenRequestError, type TokenClientOptions } from '@commlab/security';
import { labSecrets, startAuthServer, type AuthServer } from './helpers.ts';

describe('the client-credentials token client against the real authorization server', () => {
  let auth: AuthServer;
  let requests = 0;
  const client = (options: Partial<TokenClientOptions> = {}) =>
    createTokenClient({
      tokenUrl: `${auth.issuer}/token`,
      clientId: 'order',
      clientSecret: labSecrets.order!,
      resource: 'urn:commlab:inventory',
      scopes: ['inventory:reserve'],
      fetch: (url, init) => {
        requests++;
        return fetch(url, init);
      },
      ...options,
    });

  beforeAll(async () => {
    auth = await startAuthServer({ AUTH_ACCESS_TOKEN_TTL_S: '3' });
  });
  afterAll(() => auth?.stop());

  it('gets a token for the one resource and scopes it asked for', async () => {
    const claims = decodeJwt(await client().token());
    expect(claims).toMatchObject({
      aud: 'urn:commlab:inventory',
      scope: 'inventory:reserve',
      client_id: 'order',
      sub: 'order',
    });
  });

  it('asks once for twenty concurrent callers, then serves the cached token', async () => {
    const tokens = client();
    requests = 0;
    const values = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(values).size).toBe(1);
    expect(await tokens.token()).toBe(values[0]);
    expect(requests).toBe(1);
  });

  it('asks again shortly before the token expires, and after invalidate()', async () => {
    const tokens = client({ refreshBeforeExpiryMs: 1_000 });
    requests = 0;
    const first = await tokens.token();
    await new Promise((r) => setTimeout(r, 2_100)); // 3 s lifetime, refreshed from 2 s on
    const second = await tokens.token();
    expect(second).not.toBe(first);
    tokens.invalidate();
    const third = await tokens.token();
    expect(third).not.toBe(second);
    expect(requests).toBe(3);
  });

  it('reports a refusal with the OAuth error and what was asked', async () => {
    const refused = client({ scopes: ['inventory:adjust'] }).token();
    await expect(refused).rejects.toBeInstanceOf(TokenRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      error: 'invalid_scope',
      message: expect.stringContaining('refused client order a token for urn:commlab:inventory: invalid_scope'),
    });
    await expect(client({ clientSecret: 'not-the-secret' }).token()).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('keeps handing out an unexpired token while the authorization server is unreachable', async () => {
    let up = true;
    const tokens = client({
      refreshBeforeExpiryMs: 2_500,
      fetch: (url, init) => (up ? fetch(url, init) : Promise.reject(new TypeError('fetch failed'))),
    });
    const cached = await tokens.token();
    up = false;
    expect(await tokens.token()).toBe(cached); // due for refresh (2.5 s before a 3 s expiry), refresh failed
    await new Promise((r) => setTimeout(r, 3_100));
    await expect(tokens.token()).rejects.toMatchObject({ status: 0, message: expect.stringContaining('cannot reach') });
  });
});
