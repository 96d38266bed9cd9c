import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { credentials, status, type ChannelCredentials } from '@grpc/grpc-js';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { certsDir, certsScript, labClient, stockOf, tlsAs, unary } from './lab-client.ts';

// One lab for both halves: each start is four processes, and the machines CI runs on are small.
describe('lab 09-security', () => {
  const lab = labForThisFile('09-security', { connect: labClient });

  describe('the orders API with access tokens', () => {
    it('issues a real RFC 9068 access token to a lab customer, for the order API only', async () => {
      const token = lab.client.userToken('reader-1');
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
      expect(decodeJwt(token)).toMatchObject({
        iss: lab.client.issuer,
        sub: 'reader-1',
        aud: 'urn:commlab:order',
        client_id: 'lab-cli',
        scope: 'orders:read orders:write',
      });
    });

    it('answers 401 without a token and 403 insufficient_scope with the wrong scope; nothing is placed', async () => {
      const before = await stockOf(lab.client, 'KB-001');
      const orders = async () =>
        (await lab.client.call('GET', '/orders', lab.client.userToken('reader-1'))).body!.items!;
      const placedBefore = (await orders()).length;
      const none = await lab.client.place(undefined, 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
      expect(none).toMatchObject({
        status: 401,
        challenge: 'Bearer realm="order"',
        body: { type: '/problems/unauthenticated' },
      });

      const readOnly = lab.client.userToken('reader-1', 'orders:read');
      const wrong = await lab.client.place(readOnly, 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
      expect(wrong.status).toBe(403);
      expect(wrong.challenge).toContain('error="insufficient_scope"');
      expect(wrong.challenge).toContain('scope="orders:write"');

      expect(await stockOf(lab.client, 'KB-001')).toBe(before);
      expect(await orders()).toHaveLength(placedBefore);
    });

    it('places an order with the right scope: order reserves the stock in inventory over mTLS with its own token', async () => {
      const before = await stockOf(lab.client, 'KB-001');
      const token = lab.client.userToken('reader-1');
      const placed = await lab.client.place(token, 'reader-1', [{ sku: 'KB-001', quantity: 2 }]);
      expect(placed).toMatchObject({ status: 201, body: { status: 'confirmed', customerId: 'reader-1' } });
      expect(await stockOf(lab.client, 'KB-001')).toBe(before - 2);
      expect((await lab.client.call('GET', `/orders/${placed.body!.id}`, token)).status).toBe(200);
    });

    it("keeps a customer to its own orders: another customer's order is not found, and cannot be listed or placed for", async () => {
      const mine = lab.client.userToken('reader-1');
      const theirs = lab.client.userToken('reader-2');
      const placed = await lab.client.place(mine, 'reader-1', [{ sku: 'MS-002', quantity: 1 }]);
      expect(placed.status).toBe(201);
      const id = placed.body!.id;

      expect(await lab.client.call('GET', `/orders/${id}`, theirs)).toMatchObject({ status: 404 });
      expect(await lab.client.call('POST', `/orders/${id}/cancel`, theirs)).toMatchObject({ status: 404 });
      expect(await lab.client.call('GET', '/orders?customerId=reader-1', theirs)).toMatchObject({
        status: 403,
        body: { type: '/problems/other-customer' },
      });
      const stock = await stockOf(lab.client, 'MS-002');
      expect(await lab.client.place(theirs, 'reader-1', [{ sku: 'MS-002', quantity: 1 }])).toMatchObject({
        status: 403,
      });
      expect(await stockOf(lab.client, 'MS-002')).toBe(stock);
      // reader-2's own list holds none of reader-1's orders; the refused cancel changed nothing.
      expect((await lab.client.call('GET', '/orders', theirs)).body?.items).toEqual([]);
      expect((await lab.client.call('GET', `/orders/${id}`, mine)).body).toMatchObject({ status: 'confirmed' });
    });
  });

  describe('the push service with access tokens', () => {
    it('accepts a notification token on upgrade, and refuses none, a token for another audience or without the scope', async () => {
      const listen = lab.client.userToken('reader-1', 'notifications:read', 'urn:commlab:notification');
      const accepted = lab.client.push(listen);
      expect(await accepted.upgraded).toEqual({ status: 101 });
      accepted.socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));
      await expect.poll(() => accepted.messages.map((m) => m.type)).toContain('subscribed');
      accepted.socket.close();

      expect(await lab.client.push('not-a-token').upgraded).toEqual({ status: 401 });
      expect(await lab.client.push(lab.client.userToken('reader-1')).upgraded).toEqual({ status: 401 });
      const orderAudience = await lab.client.serviceToken(
        'order',
        'order-lab-secret',
        'urn:commlab:inventory',
        'inventory:read',
      );
      expect(await lab.client.push(orderAudience).upgraded).toEqual({ status: 401 });
    });
  });

  /**
   * inventory's gRPC port takes only mTLS from certificates of the lab CA, and Reserve only from
   * spiffe://commlab/order with an access token holding inventory:reserve. Every refused call
   * reserves nothing: the stock is the same after it.
   */
  describe('mTLS between order and inventory', () => {
    let reserveToken: string;

    beforeAll(async () => {
      // The bad certificates of the refusal rows, made by the same committed script.
      const script = (...args: string[]) =>
        execFileSync(certsScript, args, { env: { ...process.env, CERTS_DIR: certsDir }, stdio: 'pipe' });
      script('expired', 'order');
      script('foreign', 'order');
      script('issue', 'notification');
      reserveToken = await lab.client.serviceToken(
        'order',
        'order-lab-secret',
        'urn:commlab:inventory',
        'inventory:reserve',
      );
    });

    /** `token` undefined: the call carries no authorization metadata. */
    const reserve = async (channel: ChannelCredentials, token: string | undefined) => {
      const inventory = lab.client.inventory(channel);
      try {
        const request = { reservationId: `mtls-${crypto.randomUUID()}`, lines: [{ sku: 'KB-001', quantity: 1 }] };
        return await unary(inventory.Reserve.bind(inventory) as never, request, token);
      } finally {
        inventory.close();
      }
    };
    const ca = () => readFileSync(join(certsDir, 'ca.crt'));

    it('lets order reserve over mTLS with its token (the row every refusal below differs from in one way)', async () => {
      const before = await stockOf(lab.client, 'KB-001');
      expect((await reserve(tlsAs('order'), reserveToken)).code).toBe(status.OK);
      expect(await stockOf(lab.client, 'KB-001')).toBe(before - 1);
    });

    const rows: {
      row: string;
      channel: () => ChannelCredentials;
      token?: () => Promise<string | undefined>;
      code: status;
      details?: RegExp;
    }[] = [
      { row: 'plain text to the TLS port', channel: () => credentials.createInsecure(), code: status.UNAVAILABLE },
      { row: 'TLS without a client certificate', channel: () => credentials.createSsl(ca()), code: status.UNAVAILABLE },
      { row: 'a certificate from another CA', channel: () => tlsAs('order', 'foreign'), code: status.UNAVAILABLE },
      {
        row: 'an expired certificate of the lab CA',
        channel: () => tlsAs('order', 'expired'),
        code: status.UNAVAILABLE,
      },
      {
        row: 'a valid certificate for the wrong identity (notification)',
        channel: () => tlsAs('notification'),
        code: status.PERMISSION_DENIED,
        details: /spiffe:\/\/commlab\/notification may not call \/commlab.inventory.v1.InventoryService\/Reserve/,
      },
      {
        row: 'order’s certificate without a token',
        channel: () => tlsAs('order'),
        token: async () => undefined,
        code: status.UNAUTHENTICATED,
      },
      {
        row: 'order’s certificate with a token lacking inventory:reserve',
        channel: () => tlsAs('order'),
        token: () => lab.client.serviceToken('order', 'order-lab-secret', 'urn:commlab:inventory', 'inventory:read'),
        code: status.PERMISSION_DENIED,
        details: /inventory:reserve/,
      },
    ];

    it.each(rows)('refuses $row, and reserves nothing', async ({ channel, token, code, details }) => {
      const before = await stockOf(lab.client, 'KB-001');
      const outcome = await reserve(channel(), token ? await token() : reserveToken);
      expect(outcome.code).toBe(code);
      if (details) expect(outcome.details).toMatch(details);
      expect(await stockOf(lab.client, 'KB-001')).toBe(before);
    });

    it('closes a plain-text HTTP/2 connection to the TLS port without answering it', async () => {
      const [host, port] = lab.addr('inventory').split(':') as [string, string];
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), host, () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        socket.setTimeout(5_000, () => socket.destroy(new Error('the TLS port kept a plain-text connection open')));
      });
      // Whatever TLS sends back (an alert record, or nothing), it is no HTTP/2 frame or settings.
      expect(answer).not.toContain('HTTP/2');
      expect(answer.length).toBeLessThan(16);
    });
  });
});
