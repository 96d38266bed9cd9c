import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { certsDir, certsScript, labClient, stockOf } from './lab-client.ts';

const run = promisify(execFile);

// Keys: a new one is published 8 s before it signs, at least the verifiers' refetch cooldown
// (6 s here, 30 s by default: the same rule at a test's pace), so no verifier meets a kid it may
// not fetch yet. Tokens live 16 s, so order fetches a new one for inventory during the test and
// inventory meets the new key too.
const cooldown = { AUTH_JWKS_COOLDOWN_S: '6' };
const env = {
  auth: { AUTH_KEY_PUBLISH_LEAD_S: '8', AUTH_ACCESS_TOKEN_TTL_S: '16' },
  order: cooldown,
  inventory: cooldown,
  notification: cooldown,
};

/**
 * Rotation is routine only if nobody notices: a steady stream of checkouts (place, then
 * cancel: the order API's token check, Reserve and Release over mTLS with order's token) runs
 * while the authorization server rotates its signing key and every service gets a new
 * certificate, and not one request fails. Every other checkout is placed through the console,
 * so the HTTP channels over mTLS carry the stream too (console → order, console and order →
 * auth for their tokens, every service → auth for its keys).
 */
describe('lab 09-security: key and certificate rotation under traffic', () => {
  const lab = labForThisFile('09-security', { connect: labClient, env });
  const outcomes: { status: number; kid: string; detail?: string }[] = [];
  const placedIds: string[] = [];
  let token = '';
  let streaming = true;
  let stream: Promise<void> | undefined;
  afterAll(async () => {
    streaming = false;
    await stream;
  });

  const freshUserToken = async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'services/auth/src/cli/user-token.ts',
        '--issuer',
        lab.client.issuer,
        '--url',
        lab.url('auth'),
        '--user',
        'reader-1',
      ],
      { cwd: join(certsDir, '../..') },
    );
    token = stdout.trim();
  };

  let checkouts = 0;
  /** An order placed through the console's server, which calls order's mTLS listener. */
  const placeViaConsole = async () => {
    const response = await fetch(`${lab.url('console')}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'CB-007', quantity: 1 }] }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as { id: string } | undefined };
  };
  const checkout = async () => {
    const using = token;
    const kid = String(decodeProtectedHeader(using).kid);
    const placed =
      checkouts++ % 2 === 0
        ? await lab.client.place(using, 'reader-1', [{ sku: 'CB-007', quantity: 1 }])
        : await placeViaConsole();
    outcomes.push({
      status: placed.status,
      kid,
      ...(placed.status !== 201 && { detail: JSON.stringify(placed.body) }),
    });
    if (placed.status !== 201) return;
    placedIds.push(placed.body!.id);
    const cancelled = await lab.client.call('POST', `/orders/${placed.body!.id}/cancel`, using);
    outcomes.push({
      status: cancelled.status,
      kid,
      ...(cancelled.status !== 200 && { detail: JSON.stringify(cancelled.body) }),
    });
  };

  /** The serial number a listener (inventory's gRPC, auth's or order's mTLS) presents to a new connection now. */
  const servedSerial = (addr: string, alpn: string) =>
    new Promise<string>((resolve, reject) => {
      const [host, port] = addr.split(':') as [string, string];
      const file = (name: string) => readFileSync(join(certsDir, name));
      const socket = tlsConnect({
        host,
        port: Number(port),
        servername: 'localhost',
        ca: file('ca.crt'),
        cert: file('order.pem'),
        key: file('order.pem'),
        ALPNProtocols: [alpn],
      });
      socket.once('secureConnect', () => {
        const peer: PeerCertificate = socket.getPeerCertificate();
        socket.destroy();
        resolve(peer.serialNumber);
      });
      socket.once('error', reject);
    });
  const listeners = () => [
    { service: 'inventory', serial: () => servedSerial(lab.addr('inventory'), 'h2') },
    { service: 'auth', serial: () => servedSerial(lab.resolve('${auth.mtls.addr}'), 'http/1.1') },
    { service: 'order', serial: () => servedSerial(lab.resolve('${order.mtls.addr}'), 'http/1.1') },
  ];
  const serialOnFile = (service: string) =>
    new X509Certificate(readFileSync(join(certsDir, `${service}.crt`))).serialNumber;

  const until = async (what: string, done: () => boolean | Promise<boolean>, timeoutMs: number) => {
    for (const end = Date.now() + timeoutMs; !(await done());) {
      if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  it("rotates the signing key and every service's certificate while checkouts flow over gRPC and HTTP mTLS, and none of them fails", async () => {
    await freshUserToken();
    const kidBefore = String(decodeProtectedHeader(token).kid);
    const stockBefore = await stockOf(lab.client, 'CB-007');
    let refreshing: Promise<void> | undefined;
    stream = (async () => {
      let refreshed = Date.now();
      while (streaming) {
        await checkout();
        // Each cancellation gives its stock back by event, which on a busy machine can lag the
        // stream by more than CB-007's 100: every 20 checkouts the stream lets it catch up, so
        // a refusal here can only be the rotation's, never an empty shelf.
        if (checkouts % 20 === 0) {
          await until('the released stock comes back', async () => (await stockOf(lab.client, 'CB-007')) >= 50, 60_000);
        }
        // A reader's client signs in again now and then; after the rotation, with the new key.
        // A sign-in that fails is a failed request like any other.
        if (!refreshing && Date.now() - refreshed > 5_000) {
          refreshed = Date.now();
          refreshing = freshUserToken()
            .catch((err: Error) => void outcomes.push({ status: 0, kid: 'sign-in', detail: err.message }))
            .finally(() => (refreshing = undefined));
        }
      }
      await refreshing;
    })();
    await until('the stream flows', () => outcomes.length >= 10, 30_000);

    // Certificates: re-issued by the committed script (new keys, new serials, same CA).
    const servedBefore = await Promise.all(listeners().map((l) => l.serial()));
    await run(certsScript, ['issue', 'inventory', 'order', 'auth', 'notification', 'console'], {
      env: { ...process.env, CERTS_DIR: certsDir, CERTS_KEY_MODE: '644' },
    });
    for (const [i, { service, serial }] of listeners().entries()) {
      const onFile = serialOnFile(service);
      expect(onFile).not.toBe(servedBefore[i]);
      await until(`${service} presents its new certificate`, async () => (await serial()) === onFile, 20_000);
    }

    // Keys: the lab's administrator starts a rotation on the authorization server.
    const admin = await lab.client.serviceToken('lab-admin', 'lab-admin-secret', 'urn:commlab:auth', 'keys:rotate');
    const response = await fetch(`${lab.url('auth')}/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(202);
    const { keys } = (await response.json()) as { keys: { kid: string; status: string }[] };
    const next = keys.find((key) => key.status === 'next')!.kid;
    expect(next).not.toBe(kidBefore);

    await until(
      'checkouts succeed with tokens of the new key',
      () => outcomes.some((o) => o.kid === next && o.status < 300),
      90_000,
    );
    const total = outcomes.length;
    await until('the stream goes on', () => outcomes.length >= total + 10, 30_000);
    streaming = false;
    await stream;

    const failed = outcomes.filter((o) => o.status >= 300);
    expect(failed).toEqual([]);
    expect(outcomes.filter((o) => o.kid === kidBefore).length).toBeGreaterThan(0);
    // The events too: order signs with its new key from the first event after the rotation, and
    // inventory and notification take the new certificate when a signature stops verifying.
    // Every cancellation released its stock (by event, in inventory) and was notified.
    await expect.poll(() => stockOf(lab.client, 'CB-007'), { timeout: 20_000 }).toBe(stockBefore);
    const notified = async (id: string) => {
      const response = await fetch(`${lab.url('notification')}/notifications?orderId=${id}`);
      return ((await response.json()) as { items: { type: string }[] }).items.map((n) => n.type.split('.')[2]);
    };
    for (const id of placedIds) {
      await expect.poll(() => notified(id), { timeout: 10_000 }).toEqual(['placed', 'confirmed', 'cancelled']);
    }
    expect(outcomes.filter((o) => o.kid === next).length).toBeGreaterThan(0);
  }, 240_000);

  it('closes a push connection with 4401, and ends a Server-Sent Events stream, when its token expires', async () => {
    const token = lab.client.userToken('reader-1', 'notifications:read', 'urn:commlab:notification');
    const push = lab.client.push(token);
    expect(await push.upgraded).toEqual({ status: 101 });
    const sse = fetch(`${lab.url('notification')}/sse`, { headers: { authorization: `Bearer ${token}` } }).then(
      async (response) => ({ status: response.status, body: await response.text() }),
    );
    const expiresAt = Number(decodeJwt(token).exp) * 1000;
    const closed = await push.closed;
    expect(closed).toEqual({ code: 4401, reason: 'token expired' });
    const streamed = await sse;
    expect(streamed.status).toBe(200);
    expect(streamed.body).toMatch(/event: token-expired\ndata: \{"code":4401\}\n\n$/);
    // Closed at the token's expiry, not before (and not long after).
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 1_000);
  }, 90_000);
});
