import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { credentials, status, type ChannelCredentials } from '@grpc/grpc-js';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEventTypes } from '@commlab/contracts/events';
import { signToken } from '@commlab/push';
import {
  deadLetterReason,
  newEvent,
  openEventBus,
  rabbitMqNames,
  serviceBusNames,
  type CloudEvent,
  type EventBus,
} from '@commlab/events';
import { eventIdentity, signerFromFile } from '@commlab/security/events';
import { openBrowser, openConsole } from '@commlab/lab/browser';
import { labForThisFile } from '@commlab/lab/testing';
import { loadLab, nativeInfra } from '@commlab/lab/runner';
import { verifyLab } from '@commlab/lab-runner/src/verify/verify-lab.ts';
import { certsDir, certsScript, httpsAs, labClient, stockOf, tlsAs, unary } from './lab-client.ts';

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
    it('accepts a notification token on upgrade, and refuses none, the labs’ HMAC token, a token for another audience or without the scope', async () => {
      const listen = lab.client.userToken('reader-1', 'notifications:read', 'urn:commlab:notification');
      const accepted = lab.client.push(listen);
      expect(await accepted.upgraded).toEqual({ status: 101 });
      accepted.socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));
      await expect.poll(() => accepted.messages.map((m) => m.type)).toContain('subscribed');
      accepted.socket.close();

      expect(await lab.client.push('not-a-token').upgraded).toEqual({ status: 401 });
      // The earlier labs' home-made HMAC token, signed with their default secret, is no token here.
      expect(await lab.client.push(signToken('commlab-lab-secret', 'reader-1')).upgraded).toEqual({ status: 401 });
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
   * What a reader sees working: the console's page places orders through the console's server,
   * which calls the order API with its own client-credentials token, and watches a lab customer's
   * notifications with a real access token for that customer; `pnpm lab verify` authenticates
   * as the lab-verify client.
   */
  describe('the console and pnpm lab verify with access tokens', () => {
    const console_ = () => lab.url('console');

    it("places the page's order with the console's token and pushes it to the customer's WebSocket", async () => {
      const { token } = (await (await fetch(`${console_()}/api/push-token?customer=reader-1`)).json()) as {
        token: string;
      };
      expect(decodeJwt(token)).toMatchObject({
        sub: 'reader-1',
        aud: 'urn:commlab:notification',
        client_id: 'console',
      });
      const push = lab.client.push(token);
      expect(await push.upgraded).toEqual({ status: 101 });
      push.socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));

      const response = await fetch(`${console_()}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'CB-007', quantity: 1 }] }),
      });
      expect(response.status).toBe(201);
      const order = (await response.json()) as { id: string };
      await expect
        .poll(() => push.messages.some((m) => (m as { event?: { orderId: string } }).event?.orderId === order.id))
        .toBe(true);
      push.socket.close();
    });

    it('shows lab 09 working in a real browser: an order placed on the page goes REST → gRPC → RabbitMQ → WebSocket', async () => {
      const browser = await openBrowser();
      try {
        const { page, errors } = await openConsole(browser, console_(), ['order', 'inventory', 'notification']);
        // The page's push connection opened with reader-1's access token.
        await page.locator('#push-state[data-state="open"]').waitFor();
        await page.click('#place-order');
        const row = page.locator('#orders tr[data-order]').first();
        await row.waitFor();
        for (const edge of ['REST', 'gRPC', 'broker', 'WebSocket']) {
          await row.locator(`.chip.on[data-edge="${edge}"]`).waitFor();
        }
        await expect.poll(() => row.locator('.status').textContent()).toBe('confirmed');
        expect(await browser.screenshot('09-security-console')).toMatch(/09-security-console\.png$/);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });

    it('signs in only the lab customers it was given', async () => {
      const response = await fetch(`${console_()}/api/push-token?customer=mallory`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ type: '/problems/unknown-customer' });
    });

    it('passes pnpm lab verify: the order flow with its token, and the signed events notified', async () => {
      const outcomes = await verifyLab(
        await loadLab('09-security'),
        lab,
        lab.target === 'compose' ? nativeInfra({}) : nativeInfra(),
      );
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      const lines = outcomes.map((o) => o.text);
      expect(lines).toContainEqual('order places an order over REST and reads it back (confirmed)');
      expect(lines).toContainEqual(expect.stringMatching(/^notification received the order's events over rabbitmq/));
    });
  });

  /**
   * Every event crossing RabbitMQ carries the signature of the service that produced it. What
   * an intruder with the broker's credentials publishes — unsigned, signed by a key nobody
   * trusts, or signed by a real service that may not emit that type — is dead-lettered by each
   * consumer with the reason, and changes nothing: no stock reserved or released, nothing
   * notified. inventory and notification both consume order events here.
   */
  describe('caller identity through RabbitMQ', () => {
    let bus: EventBus;
    let connection: ChannelModel;
    let channel: Channel;
    let names: ReturnType<typeof serviceBusNames>;

    beforeAll(async () => {
      const env = lab.env('order');
      const settings = { AMQP_URL: env.AMQP_URL!, EVENT_NAMESPACE: env.EVENT_NAMESPACE! };
      bus = (await openEventBus({ ...settings, EVENT_BUS: 'rabbitmq', KAFKA_BROKERS: '' }, quiet))!;
      names = serviceBusNames(settings.EVENT_NAMESPACE);
      connection = await amqp.connect(settings.AMQP_URL);
      channel = await connection.createChannel();
    });
    afterAll(async () => {
      await connection?.close();
      await bus?.close();
    });

    const notifications = async (orderId: string) => {
      const response = await fetch(`${lab.url('notification')}/notifications?orderId=${orderId}`);
      return ((await response.json()) as { items: { type: string; status: string }[] }).items;
    };

    it('signs what order publishes: a real order is notified, and its cancellation releases the stock', async () => {
      const token = lab.client.userToken('reader-1');
      const before = await stockOf(lab.client, 'CB-007');
      const placed = await lab.client.place(token, 'reader-1', [{ sku: 'CB-007', quantity: 1 }]);
      expect(placed.status).toBe(201);
      const told = async () => (await notifications(placed.body!.id)).map((n) => n.type.split('.')[2]);
      await expect.poll(told).toEqual(['placed', 'confirmed']);
      // The cancellation reaches inventory only as order's signed event: the stock comes back.
      expect((await lab.client.call('POST', `/orders/${placed.body!.id}/cancel`, token)).status).toBe(200);
      await expect.poll(() => stockOf(lab.client, 'CB-007')).toBe(before);
      await expect.poll(told).toEqual(['placed', 'confirmed', 'cancelled']);
    });

    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const orderEvent = (type: string, orderId: string, status: string) =>
      newEvent({
        source: '/commlab/order',
        type,
        subject: orderId,
        data: {
          orderId,
          customerId: 'reader-1',
          status,
          lines: [{ sku: 'CB-007', quantity: 1 }],
          createdAt: new Date().toISOString(),
        },
      });
    const rows: { row: string; publish: (event: CloudEvent) => Promise<void>; reason: RegExp }[] = [
      { row: 'no producer identity', publish: (e) => bus.publish(e), reason: /^producer refused: unsigned/ },
      {
        row: 'a forged one: signed by a key nobody issued, naming order',
        publish: (e) =>
          eventIdentity({ signer: { identity: 'spiffe://commlab/order', privateKey: attacker } })
            .publisher(bus)
            .publish(e),
        reason: /^producer refused: the signature of spiffe:\/\/commlab\/order does not verify/,
      },
      {
        row: 'a real service not allowed that type: inventory signing an order event',
        publish: (e) =>
          eventIdentity({ signer: signerFromFile(join(certsDir, 'inventory.pem')) })
            .publisher(bus)
            .publish(e),
        reason: /^producer refused: spiffe:\/\/commlab\/inventory may not emit commlab\.order\.(placed|cancelled)\.v1/,
      },
    ];

    it.each(rows)(
      'dead-letters an order.placed with $row in inventory and notification, and reserves and notifies nothing',
      async ({ publish, reason }) => {
        const before = await stockOf(lab.client, 'CB-007');
        const event = orderEvent(orderEventTypes.placed, `intruder-${randomUUID()}`, 'pending');
        await publish(event);
        for (const group of ['inventory.stock-requests', 'notification.order-events']) {
          const dead = await deadLetter(rabbitMqNames(names.exchange, names.group(group)).deadLetterQueue, event.id);
          expect(deadLetterReason(dead), group).toMatch(reason);
        }
        expect(await stockOf(lab.client, 'CB-007')).toBe(before);
        expect(await notifications(event.subject)).toEqual([]);
      },
    );

    it("dead-letters a cancellation of a real order that order did not sign; the order's stock stays reserved", async () => {
      const token = lab.client.userToken('reader-1');
      const placed = await lab.client.place(token, 'reader-1', [{ sku: 'CB-007', quantity: 1 }]);
      expect(placed.status).toBe(201);
      const held = await stockOf(lab.client, 'CB-007');
      const forged = orderEvent(orderEventTypes.cancelled, placed.body!.id, 'cancelled');
      await rows[2]!.publish(forged);
      const dead = await deadLetter(
        rabbitMqNames(names.exchange, names.group('inventory.stock-requests')).deadLetterQueue,
        forged.id,
      );
      expect(deadLetterReason(dead)).toMatch(rows[2]!.reason);
      expect(await stockOf(lab.client, 'CB-007')).toBe(held);
      expect((await lab.client.call('GET', `/orders/${placed.body!.id}`, token)).body).toMatchObject({
        status: 'confirmed',
      });
    });

    /** Reads a dead-letter queue until the event with this id arrives; returns its headers. */
    async function deadLetter(queue: string, eventId: string) {
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        const message = await channel.get(queue, { noAck: true });
        if (message && message.properties.messageId === eventId) return message.properties.headers;
        if (!message) await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`event ${eventId} was not dead-lettered in ${queue}`);
    }
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

    /**
     * Service-to-service HTTP: auth and order take other services only on their `mtls`
     * listeners, which require a certificate of the lab CA and then a peer allowed there
     * (order's: the console only); at auth's token endpoint a service's client secret counts
     * only from its own certificate. A refused request places nothing and issues no token.
     */
    describe('service-to-service HTTP over mTLS', () => {
      type Fetch = (url: string, init?: RequestInit) => Promise<Response>;
      /** The answer's status, or 0 when there was none (the handshake refused the connection). */
      const statusOf = async (request: Promise<Response>) => {
        try {
          const response = await request;
          return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
        } catch (err) {
          return { status: 0, body: String((err as Error & { cause?: Error }).cause ?? err) };
        }
      };
      const readerOrders = async () =>
        (await lab.client.call('GET', '/orders', lab.client.userToken('reader-1'))).body!.items!.length;
      const placeOn = async (fetcher: Fetch, url = `${lab.client.serviceUrl('order')}/orders`) => {
        const token = await lab.client.serviceToken(
          'lab-console',
          'lab-console-secret',
          'urn:commlab:order',
          'orders:write',
        );
        return statusOf(
          fetcher(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'KB-001', quantity: 1 }] }),
          }),
        );
      };
      const orderTokenOn = (fetcher: Fetch, url = `${lab.client.serviceUrl('auth')}/token`) =>
        statusOf(
          fetcher(url, {
            method: 'POST',
            headers: {
              authorization: `Basic ${Buffer.from('order:order-lab-secret').toString('base64')}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              resource: 'urn:commlab:inventory',
              scope: 'inventory:reserve',
            }),
          }),
        );

      it("gives the services their way in: the console's certificate places an order on order's mTLS port, order's gets order's token from auth's", async () => {
        const before = await stockOf(lab.client, 'KB-001');
        expect(await placeOn(httpsAs('console'))).toMatchObject({ status: 201, body: { status: 'confirmed' } });
        expect(await stockOf(lab.client, 'KB-001')).toBe(before - 1);
        const token = await orderTokenOn(httpsAs('order'));
        expect(token).toMatchObject({ status: 200, body: { access_token: expect.any(String) } });
        // Every service asks auth (keys, tokens) and order (the console) there, never in plain text.
        for (const [service, setting] of [
          ['order', 'AUTH_JWKS_URL'],
          ['order', 'AUTH_TOKEN_URL'],
          ['inventory', 'AUTH_JWKS_URL'],
          ['notification', 'AUTH_JWKS_URL'],
          ['console', 'AUTH_TOKEN_URL'],
          ['console', 'ORDER_URL'],
        ] as const) {
          expect(lab.env(service)[setting], `${service} ${setting}`).toMatch(/^https:\/\//);
        }
      });

      const plain: Fetch = (url, init) => fetch(url.replace(/^https:/, 'http:'), init);
      const refusedOrders: { row: string; fetcher: () => Fetch; status: number; type?: string }[] = [
        { row: 'plain HTTP to the TLS port', fetcher: () => plain, status: 0 },
        { row: 'TLS without a client certificate', fetcher: () => httpsAs(undefined), status: 0 },
        { row: 'a certificate from another CA', fetcher: () => httpsAs('console', 'foreign'), status: 0 },
        { row: 'an expired certificate of the lab CA', fetcher: () => httpsAs('order', 'expired'), status: 0 },
        {
          row: 'a valid certificate for the wrong identity (notification)',
          fetcher: () => httpsAs('notification'),
          status: 403,
          type: '/problems/peer-not-allowed',
        },
      ];
      it.each(refusedOrders)(
        "refuses $row on order's mTLS port, and places nothing",
        async ({ fetcher, status, type }) => {
          const stock = await stockOf(lab.client, 'KB-001');
          const placed = await readerOrders();
          const outcome = await placeOn(fetcher());
          expect(outcome.status, String(outcome.body)).toBe(status);
          if (type) expect(outcome.body).toMatchObject({ type });
          expect(await stockOf(lab.client, 'KB-001')).toBe(stock);
          expect(await readerOrders()).toBe(placed);
        },
      );

      const refusedTokens: { row: string; token: () => ReturnType<typeof orderTokenOn>; status: number }[] = [
        { row: 'plain HTTP to the TLS port', token: () => orderTokenOn(plain), status: 0 },
        { row: 'TLS without a client certificate', token: () => orderTokenOn(httpsAs(undefined)), status: 0 },
        { row: 'a certificate from another CA', token: () => orderTokenOn(httpsAs('order', 'foreign')), status: 0 },
        {
          row: "another service's certificate (notification's) with order's secret",
          token: () => orderTokenOn(httpsAs('notification')),
          status: 401,
        },
        {
          row: "order's secret on the reader's port, without a certificate",
          token: () => orderTokenOn(fetch, `${lab.url('auth')}/token`),
          status: 401,
        },
      ];
      it.each(refusedTokens)("refuses order's token for $row, and issues none", async ({ token, status }) => {
        const outcome = await token();
        expect(outcome.status, String(outcome.body)).toBe(status);
        if (status !== 0) {
          expect(outcome.body).toMatchObject({
            error: 'invalid_client',
            error_description: expect.stringContaining('spiffe://commlab/order'),
          });
        }
        expect(outcome.body).not.toHaveProperty('access_token');
      });
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

/** The test's own bus logs only its errors. */
const quiet = { info() {}, warn() {}, error: console.error };
