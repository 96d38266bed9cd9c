import { createHmac, createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, inventoryLikeApi, startAuthServer, type AuthServer } from './helpers.ts';

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Every way to forge or misuse an access token that the chapter lists, tried against a
 * resource server whose tokens come from the real authorization server process. Each row is
 * refused with the right status, RFC 6750 error and reason, and its handler never runs.
 */
describe('a resource server checking tokens from the real authorization server', () => {
  let auth: AuthServer;
  let api: Awaited<ReturnType<typeof inventoryLikeApi>>;
  let real: string;
  let header: Record<string, unknown>;
  let claims: JWTPayload;
  let jwksFetches = 0;
  // A server the attacker controls; jku/x5u point at it. No verifier may ever ask it anything.
  let attackerServer: Server;
  let attackerUrl: string;
  const attackerHits: string[] = [];
  let attacker: Awaited<ReturnType<typeof generateKeyPair>>;

  /** The real token's header and claims with `changes`, signed with the server's own key. */
  const resigned = async (changes: JWTPayload, headerChanges: Record<string, unknown> = {}) => {
    const key = await importJWK(auth.signingJwk(), 'RS256');
    return new SignJWT({ ...claims, ...changes })
      .setProtectedHeader({ ...header, ...headerChanges } as never)
      .sign(key);
  };
  /** Signed with the attacker's key. */
  const attackerSigned = async (headerFields: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...headerFields } as never)
      .sign(attacker.privateKey);

  beforeAll(async () => {
    auth = await startAuthServer();
    api = await inventoryLikeApi({
      issuer: auth.issuer,
      keys: `${auth.issuer}/jwks`,
      fetch: (url, init) => {
        jwksFetches++;
        return fetch(url, init);
      },
    });
    real = await accessToken(
      await auth.clientToken({ resource: 'urn:commlab:inventory', scope: 'inventory:read inventory:reserve' }),
    );
    header = decodeProtectedHeader(real) as Record<string, unknown>;
    claims = decodeJwt(real);
    attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwks = JSON.stringify({ keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'attacker' }] });
    attackerServer = createServer((req, res) => {
      attackerHits.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(attackerJwks);
    });
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api?.app.close();
    attackerServer?.close();
    await auth?.stop();
  });

  const call = async (token: string | undefined, route = '/reservations', authorization?: string) => {
    const before = api.served.length;
    const response = await api.app.inject({
      method: route === '/stock' ? 'GET' : 'POST',
      url: route,
      headers: authorization !== undefined ? { authorization } : token ? { authorization: `Bearer ${token}` } : {},
    });
    return { response, handled: api.served.length - before };
  };

  it('accepts the real token, and the same token re-signed with the server key (so every row below differs in one way only)', async () => {
    expect((await call(real)).response.statusCode).toBe(200);
    const { response, handled } = await call(await resigned({}));
    expect(response.statusCode).toBe(200);
    expect(handled).toBe(1);
  });

  const rows: {
    row: string;
    token: () => Promise<string>;
    route?: string;
    status: number;
    error: string;
    reason: string;
  }[] = [
    {
      row: 'alg none (no signature)',
      token: async () => `${b64({ ...header, alg: 'none' })}.${b64(claims as object)}.`,
      status: 401,
      error: 'invalid_token',
      reason: 'algorithm',
    },
    {
      row: 'HS256 signed with the public key as the HMAC secret',
      token: async () => {
        const publicPem = createPublicKey({ key: auth.signingJwk() as never, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims as object)}`;
        return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
      },
      status: 401,
      error: 'invalid_token',
      reason: 'algorithm',
    },
    {
      row: 'wrong issuer',
      token: () => resigned({ iss: 'https://evil.example' }),
      status: 401,
      error: 'invalid_token',
      reason: 'issuer',
    },
    {
      row: 'wrong audience',
      token: () => resigned({ aud: 'urn:commlab:order' }),
      status: 401,
      error: 'invalid_token',
      reason: 'audience',
    },
    {
      row: 'expired (beyond the clock tolerance)',
      token: () => resigned({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 60 }),
      status: 401,
      error: 'invalid_token',
      reason: 'expired',
    },
    {
      row: 'nbf in the future',
      token: () => resigned({ nbf: Math.floor(Date.now() / 1000) + 300 }),
      status: 401,
      error: 'invalid_token',
      reason: 'not-yet-valid',
    },
    {
      row: 'typ JWT instead of at+jwt (an ID token or other JWT passed off as an access token)',
      token: () => resigned({}, { typ: 'JWT' }),
      status: 401,
      error: 'invalid_token',
      reason: 'type',
    },
    {
      row: 'unknown kid (signed by a key the issuer never published)',
      token: () => attackerSigned({ kid: 'attacker' }),
      status: 401,
      error: 'invalid_token',
      reason: 'unknown-key',
    },
    {
      row: 'jku pointing at the attacker’s key set',
      token: () => attackerSigned({ kid: 'attacker', jku: `${attackerUrl}/jwks.json` }),
      status: 401,
      error: 'invalid_token',
      reason: 'unknown-key',
    },
    {
      row: 'x5u pointing at the attacker’s certificate',
      token: () => attackerSigned({ kid: 'attacker', x5u: `${attackerUrl}/cert.pem` }),
      status: 401,
      error: 'invalid_token',
      reason: 'unknown-key',
    },
    {
      row: 'embedded jwk (the attacker’s key, under the real kid)',
      token: async () => attackerSigned({ kid: header.kid, jwk: await exportJWK(attacker.publicKey) }),
      status: 401,
      error: 'invalid_token',
      reason: 'signature',
    },
    {
      row: 'claims edited after signing (scope widened)',
      token: async () => {
        const [h, , s] = real.split('.');
        return `${h}.${b64({ ...claims, scope: 'inventory:read inventory:reserve inventory:adjust' })}.${s}`;
      },
      route: '/adjustments',
      status: 401,
      error: 'invalid_token',
      reason: 'signature',
    },
    {
      row: 'missing scope (valid token without inventory:adjust)',
      token: async () => real,
      route: '/adjustments',
      status: 403,
      error: 'insufficient_scope',
      reason: 'scope',
    },
    {
      row: 'a real token for another audience (the auth admin API)',
      token: async () =>
        accessToken(await auth.clientToken({ client: 'lab-admin', resource: 'urn:commlab:auth', scope: 'keys:read' })),
      route: '/stock',
      status: 401,
      error: 'invalid_token',
      reason: 'audience',
    },
    {
      row: 'garbled token',
      token: async () => 'eyJub3Q.a.jwt',
      status: 401,
      error: 'invalid_token',
      reason: 'malformed',
    },
  ];

  it.each(rows)(
    'refuses $row with $status $error, and the handler never runs',
    async ({ token, route, status, error, reason }) => {
      const forged = await token();
      const { response, handled } = await call(forged, route);
      expect(response.statusCode).toBe(status);
      expect(response.headers['www-authenticate']).toMatch(new RegExp(`^Bearer realm="inventory", error="${error}"`));
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(handled).toBe(0);
      await expect(
        api.verifier.authenticate(`Bearer ${forged}`, route === '/adjustments' ? ['inventory:adjust'] : []),
      ).rejects.toMatchObject({ reason });
    },
  );

  it('names the scope a 403 needs in the challenge', async () => {
    const { response } = await call(real, '/adjustments');
    expect(response.headers['www-authenticate']).toContain('scope="inventory:adjust"');
    expect(response.json()).toMatchObject({ type: '/problems/insufficient-scope', status: 403 });
  });

  it('answers a request without a token with 401 and a challenge without an error code (RFC 6750 §3.1)', async () => {
    for (const authorization of [undefined, 'Basic b3JkZXI6c2VjcmV0']) {
      const { response, handled } = await call(undefined, '/stock', authorization);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="inventory"');
      expect(handled).toBe(0);
    }
  });

  it('answers a malformed Bearer header with 400 invalid_request', async () => {
    const { response, handled } = await call(undefined, '/stock', `Bearer ${real} extra`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
    expect(handled).toBe(0);
  });

  it('never fetched anything a token pointed at, and fetched the real key set at most twice for all those forged kids', () => {
    expect(attackerHits).toEqual([]);
    expect(jwksFetches).toBeGreaterThanOrEqual(1);
    expect(jwksFetches).toBeLessThanOrEqual(2);
  });
});
