import { createHmac, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join } from 'node:path';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile, type LabUnderTest } from '@commlab/lab/testing';
import { labClient, stockOf } from './lab-client.ts';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The authorization server's private signing key, read from its keys file where its process
 * sees it (natively or in its container: /proc/<pid>/root), so a row can change one thing
 * about a real token and still carry a valid signature. Only the test reads it; nothing in
 * the lab hands it out.
 */
async function serverSigningKey(lab: LabUnderTest, kid: string): Promise<JWK> {
  const pid = await lab.pid('auth');
  if (pid === undefined) throw new Error('the auth process is not visible from here');
  const environ = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const file = environ.AUTH_KEYS_FILE ?? join(environ.DATA_DIR ?? '.run/data', 'auth-keys.json');
  const seen = isAbsolute(file) ? `/proc/${pid}/root${file}` : `/proc/${pid}/cwd/${file}`;
  const { keys } = JSON.parse(readFileSync(seen, 'utf8')) as { keys: { jwk: JWK & { kid: string } }[] };
  return keys.find((key) => key.jwk.kid === kid)!.jwk;
}

/**
 * Every way to forge or misuse an access token that the chapter lists, sent to the running
 * lab's orders API as an attempt to place an order. Each row is refused with its status and
 * RFC 6750 error, and changes nothing: no order, no stock reserved, the attacker's key server
 * never asked.
 */
describe('lab 09-security: forged and misused tokens against the orders API', () => {
  const lab = labForThisFile('09-security', { connect: labClient });
  let real: string;
  let header: Record<string, unknown>;
  let claims: JWTPayload;
  let serverKey: JWK;
  let attacker: Awaited<ReturnType<typeof generateKeyPair>>;
  let attackerServer: Server;
  let attackerUrl: string;
  const attackerHits: string[] = [];
  let reader1Order: string;

  const resigned = async (changes: JWTPayload, headerChanges: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...changes })
      .setProtectedHeader({ ...header, ...headerChanges } as never)
      .sign(await importJWK(serverKey, 'RS256'));
  const attackerSigned = (headerFields: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...headerFields } as never)
      .sign(attacker.privateKey);

  beforeAll(async () => {
    real = lab.client.userToken('reader-1');
    header = decodeProtectedHeader(real) as Record<string, unknown>;
    claims = decodeJwt(real);
    serverKey = await serverSigningKey(lab, header.kid as string);
    attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwks = JSON.stringify({ keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'attacker' }] });
    attackerServer = createServer((req, res) => {
      attackerHits.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(attackerJwks);
    });
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`;
    const placed = await lab.client.place(real, 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
    expect(placed.status).toBe(201);
    reader1Order = placed.body!.id;
  });
  afterAll(() => attackerServer?.close());

  it('accepts the real token, and the same token re-signed with the server key (so each row differs in one way only)', async () => {
    expect((await lab.client.call('GET', `/orders/${reader1Order}`, real)).status).toBe(200);
    expect((await lab.client.call('GET', `/orders/${reader1Order}`, await resigned({}))).status).toBe(200);
  });

  const rows: { row: string; token: () => Promise<string>; status: number; error?: string }[] = [
    {
      row: 'alg none (no signature)',
      token: async () => `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`,
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'HS256 signed with the public key as the HMAC secret',
      token: async () => {
        const pem = createPublicKey({ key: serverKey as never, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
        return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      },
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'wrong issuer',
      token: () => resigned({ iss: 'https://evil.example' }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'wrong audience',
      token: () => resigned({ aud: 'urn:commlab:inventory' }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'expired (beyond the clock tolerance)',
      token: () => resigned({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 60 }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'nbf in the future',
      token: () => resigned({ nbf: Math.floor(Date.now() / 1000) + 300 }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'unknown kid (the attacker’s key)',
      token: () => attackerSigned({ kid: 'attacker' }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'jku pointing at the attacker’s key set',
      token: () => attackerSigned({ kid: 'attacker', jku: `${attackerUrl}/jwks` }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'x5u pointing at the attacker’s certificate',
      token: () => attackerSigned({ kid: 'attacker', x5u: `${attackerUrl}/cert.pem` }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'the attacker’s key embedded as jwk',
      token: async () => attackerSigned({ kid: header.kid, jwk: await exportJWK(attacker.publicKey) }),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'missing scope (orders:read only)',
      token: async () => lab.client.userToken('reader-1', 'orders:read'),
      status: 403,
      error: 'insufficient_scope',
    },
    {
      row: 'a real token for another audience (order’s own token for inventory)',
      token: () => lab.client.serviceToken('order', 'order-lab-secret', 'urn:commlab:inventory', 'inventory:reserve'),
      status: 401,
      error: 'invalid_token',
    },
    {
      row: 'a user token used for another customer (reader-2 placing for reader-1)',
      token: async () => lab.client.userToken('reader-2'),
      status: 403,
    },
    {
      row: 'a garbled token',
      token: async () => `${real.slice(0, -12)}AAAAAAAAAAAA`,
      status: 401,
      error: 'invalid_token',
    },
    { row: 'not a JWT at all', token: async () => 'not-a-token', status: 401, error: 'invalid_token' },
  ];

  it.each(rows)('refuses $row with $status, and places nothing', async ({ token, status, error }) => {
    const ordersBefore = (await lab.client.call('GET', '/orders', real)).body!.items!.length;
    const stockBefore = await stockOf(lab.client, 'KB-001');
    const refused = await lab.client.place(await token(), 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
    expect(refused.status).toBe(status);
    if (error) expect(refused.challenge).toContain(`error="${error}"`);
    expect((await lab.client.call('GET', '/orders', real)).body!.items!.length).toBe(ordersBefore);
    expect(await stockOf(lab.client, 'KB-001')).toBe(stockBefore);
  });

  it("answers another customer's token on an order as if it did not exist, and the refused cancel changes nothing", async () => {
    const theirs = lab.client.userToken('reader-2');
    expect((await lab.client.call('GET', `/orders/${reader1Order}`, theirs)).status).toBe(404);
    expect((await lab.client.call('POST', `/orders/${reader1Order}/cancel`, theirs)).status).toBe(404);
    expect((await lab.client.call('GET', `/orders/${reader1Order}`, real)).body).toMatchObject({ status: 'confirmed' });
  });

  it('never asked the attacker’s server for a key', () => {
    expect(attackerHits).toEqual([]);
  });
});
