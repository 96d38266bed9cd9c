import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStoreWithEvents } from '../src/domain/ports.ts';
import type { Order } from '../src/domain/order.ts';
import {
  contractChecked,
  freePort,
  orderService,
  startInventoryProcess,
  stockReader,
  stores,
  type Call,
  type OrderService,
} from './helpers.ts';

// Chapter 3's REST behaviours, in process against a real inventory, over both stores. Every
// response is checked against the service's own OpenAPI document (contractChecked).
const json = { 'content-type': 'application/json' };
// Cables: the SKU with the most stock (100), enough for every order this file places.
const lines = [{ sku: 'CB-007', quantity: 1 }];
const newCustomer = () => `c-${randomUUID().slice(0, 8)}`;

let inventory: Awaited<ReturnType<typeof startInventoryProcess>>;
let stock: ReturnType<typeof stockReader>;
beforeAll(async () => {
  inventory = await startInventoryProcess();
  stock = stockReader(inventory.address);
});
afterAll(async () => {
  stock?.close();
  await inventory?.stop();
});

describe.each(stores)('REST API with the $name store', ({ open }) => {
  let service: OrderService;
  let app: OrderService['app'];
  let store: OrderStoreWithEvents;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let call: (call: Call) => Promise<LightMyRequestResponse>;

  beforeAll(async () => {
    ({ env, drop } = await open());
    service = await orderService({ ...env, INVENTORY_ADDR: inventory.address });
    ({ app, store } = service);
    call = await contractChecked(app);
  });
  afterAll(async () => {
    await service?.close();
    await drop?.();
  });

  const count = async () => (await store.list({ limit: 1000 })).items.length;
  const place = (body: object = { customerId: newCustomer(), lines }, headers: Record<string, string> = {}) =>
    call({ method: 'POST', url: '/orders', headers: { ...json, ...headers }, payload: body });

  describe('Idempotency-Key', () => {
    it('answers a retry with the first response (status, body, Location) and creates nothing new', async () => {
      const key = randomUUID();
      const body = { customerId: newCustomer(), lines: [{ sku: 'MS-002', quantity: 1 }] };
      const first = await place(body, { 'idempotency-key': key });
      const reserved = (await stock.of('MS-002')).reserved;
      const ordersBefore = await count();

      const retry = await place(body, { 'idempotency-key': key });
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(201);
      expect(retry.json()).toEqual(first.json());
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await count()).toBe(ordersBefore);
      expect((await stock.of('MS-002')).reserved).toBe(reserved);
    });

    it('replays the first response even after the order changed since', async () => {
      const key = randomUUID();
      const body = { customerId: newCustomer(), lines };
      const first = await place(body, { 'idempotency-key': key });
      await call({ method: 'POST', url: `/orders/${first.json().id}/cancel` });
      const retry = await place(body, { 'idempotency-key': key });
      expect(retry.json()).toEqual(first.json());
      expect(retry.json().status).toBe('confirmed');
    });

    it('refuses the same key with a different body: 422, nothing created', async () => {
      const key = randomUUID();
      const customerId = newCustomer();
      await place({ customerId, lines }, { 'idempotency-key': key });
      const before = await count();
      const reused = await place({ customerId, lines: [{ sku: 'CB-007', quantity: 2 }] }, { 'idempotency-key': key });
      expect(reused.statusCode).toBe(422);
      expect(reused.json()).toMatchObject({ type: '/problems/idempotency-key-reused', subject: key });
      expect(await count()).toBe(before);
    });

    it('treats a quoted key (the draft standard) and the bare key as one key', async () => {
      const key = randomUUID();
      const body = { customerId: newCustomer(), lines };
      const bare = await place(body, { 'idempotency-key': key });
      const quoted = await place(body, { 'idempotency-key': `"${key}"` });
      expect(quoted.json().id).toBe(bare.json().id);
    });

    it('creates one order when two requests with the same key race', async () => {
      const key = randomUUID();
      const customerId = newCustomer();
      const [a, b] = await Promise.all([
        place({ customerId, lines }, { 'idempotency-key': key }),
        place({ customerId, lines }, { 'idempotency-key': key }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(a.json().id).toBe(b.json().id);
      expect((await store.list({ limit: 10, customerId })).items).toHaveLength(1);
    });

    it('keeps keys across a restart: they live in the order store', async () => {
      const key = randomUUID();
      const body = { customerId: newCustomer(), lines };
      const first = await place(body, { 'idempotency-key': key });
      const restarted = await orderService({ ...env, INVENTORY_ADDR: inventory.address });
      try {
        const retry = await (
          await contractChecked(restarted.app)
        )({
          method: 'POST',
          url: '/orders',
          headers: { ...json, 'idempotency-key': key },
          payload: body,
        });
        expect(retry.json()).toEqual(first.json());
        expect(retry.headers['idempotent-replayed']).toBe('true');
      } finally {
        await restarted.close();
      }
    });

    it.each([
      ['an empty key', ''],
      ['a key over 64 characters', 'k'.repeat(65)],
      ['a key with a space', 'two words'],
    ])('refuses %s with 400 naming the header, and creates nothing', async (_label, key) => {
      const before = await count();
      const response = await place(undefined, { 'idempotency-key': key });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: '/problems/validation' });
      expect(response.json().errors[0].pointer).toBe('#/headers/idempotency-key');
      expect(await count()).toBe(before);
    });
  });

  describe('conditional requests', () => {
    it('tags a read with the version, and answers 304 with no body while the tag is current', async () => {
      const { id } = (await place()).json() as Order;
      const read = await call({ url: `/orders/${id}` });
      expect(read.headers.etag).toBe('"v1"');
      for (const tag of ['"v1"', 'W/"v1"', '"v0", "v1"', '*']) {
        const again = await call({ url: `/orders/${id}`, headers: { 'if-none-match': tag } });
        expect(again.statusCode, tag).toBe(304);
        expect(again.body).toBe('');
        expect(again.headers.etag).toBe('"v1"');
      }
      expect((await call({ url: `/orders/${id}`, headers: { 'if-none-match': '"v0"' } })).statusCode).toBe(200);
    });

    it('cancels with a current If-Match, counting the version up, and releases the stock directly', async () => {
      const created = await place({ customerId: newCustomer(), lines: [{ sku: 'HD-004', quantity: 2 }] });
      const held = (await stock.of('HD-004')).reserved;
      const cancelled = await call({
        method: 'POST',
        url: `/orders/${created.json().id}/cancel`,
        headers: { 'if-match': created.headers.etag as string },
      });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json().status).toBe('cancelled');
      expect(cancelled.headers.etag).toBe('"v2"');
      expect((await stock.of('HD-004')).reserved).toBe(held - 2);
    });

    it('refuses a stale If-Match with 412 and changes nothing', async () => {
      const { id } = (await place()).json() as Order;
      for (const tag of ['"v7"', 'W/"v1"', '"something-else"']) {
        const response = await call({ method: 'POST', url: `/orders/${id}/cancel`, headers: { 'if-match': tag } });
        expect(response.statusCode, tag).toBe(412);
        expect(response.json()).toMatchObject({ type: '/problems/precondition-failed', subject: id });
      }
      expect(await store.get(id)).toMatchObject({ status: 'confirmed', version: 1 });
    });

    it.each([['v1'], ['"v1'], ['"v1" "v2"']])('refuses If-Match %s (not an entity tag) with 400', async (tag) => {
      const { id } = (await place()).json() as Order;
      const response = await call({ method: 'POST', url: `/orders/${id}/cancel`, headers: { 'if-match': tag } });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].pointer).toBe('#/headers/if-match');
      expect(await store.get(id)).toMatchObject({ status: 'confirmed', version: 1 });
    });

    it('refuses If-None-Match that is not an entity tag with 400', async () => {
      const { id } = (await place()).json() as Order;
      const response = await call({ url: `/orders/${id}`, headers: { 'if-none-match': 'v1' } });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].pointer).toBe('#/headers/if-none-match');
    });
  });

  describe('the order state machine', () => {
    it('refuses to cancel a rejected order with 409', async () => {
      const order: Order = {
        id: randomUUID(),
        customerId: newCustomer(),
        status: 'rejected',
        lines,
        createdAt: new Date().toISOString(),
        version: 2,
      };
      await store.insert(order);
      const response = await call({ method: 'POST', url: `/orders/${order.id}/cancel` });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ type: '/problems/order-not-cancellable' });
      expect(await store.get(order.id)).toEqual(order);
    });

    it('answers a repeated cancellation the same, whichever version the caller saw', async () => {
      const created = await place();
      const url = `/orders/${created.json().id}/cancel`;
      const first = await call({ method: 'POST', url, headers: { 'if-match': '"v1"' } });
      const again = await call({ method: 'POST', url, headers: { 'if-match': '"v1"' } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(again.headers.etag).toBe('"v2"');
    });

    it('answers 404 for cancelling an order that does not exist', async () => {
      const response = await call({ method: 'POST', url: `/orders/${randomUUID()}/cancel` });
      expect(response.statusCode).toBe(404);
    });
  });

  describe('cursor pagination', () => {
    it('pages one customer in insertion order with first/next links that keep the filters', async () => {
      const customerId = newCustomer();
      const placed: string[] = [];
      for (let i = 0; i < 5; i++) placed.push((await place({ customerId, lines })).json().id);
      const seen: string[] = [];
      let url: string | undefined = `/orders?limit=2&customerId=${customerId}`;
      while (url) {
        const page = await call({ url });
        seen.push(...page.json().items.map((o: Order) => o.id));
        const links = String(page.headers.link);
        expect(links).toContain(`</orders?limit=2&customerId=${customerId}>; rel="first"`);
        url = /<([^>]+)>; rel="next"/.exec(links)?.[1];
        expect(Boolean(url)).toBe(page.json().next !== undefined);
      }
      expect(seen).toEqual(placed);
    });

    it('keeps a cursor valid while orders are added and change status', async () => {
      const customerId = newCustomer();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await place({ customerId, lines })).json().id);
      const first = await call({ url: `/orders?limit=2&customerId=${customerId}&status=confirmed` });
      await call({ method: 'POST', url: `/orders/${ids[2]}/cancel` });
      ids.push((await place({ customerId, lines })).json().id);
      const second = await call({
        url: `/orders?limit=2&customerId=${customerId}&status=confirmed&cursor=${first.json().next}`,
      });
      expect(first.json().items.map((o: Order) => o.id)).toEqual(ids.slice(0, 2));
      expect(second.json().items.map((o: Order) => o.id)).toEqual([ids[3]]);
      expect(second.json().next).toBeUndefined();
    });

    it('filters by status', async () => {
      const customerId = newCustomer();
      const kept = (await place({ customerId, lines })).json().id;
      const cancelled = (await place({ customerId, lines })).json().id;
      await call({ method: 'POST', url: `/orders/${cancelled}/cancel` });
      const page = await call({ url: `/orders?customerId=${customerId}&status=cancelled` });
      expect(page.json().items.map((o: Order) => o.id)).toEqual([cancelled]);
      expect(page.json().items.map((o: Order) => o.id)).not.toContain(kept);
    });

    it.each([
      ['an unknown status', '/orders?status=shipped', 'validation'],
      ['an unknown parameter', '/orders?sort=desc', 'validation'],
      ['a limit of 0', '/orders?limit=0', 'validation'],
      ['a customerId with a space', '/orders?customerId=a%20b', 'validation'],
      ['a cursor it never handed out', '/orders?cursor=bm9wZQ', 'invalid-cursor'],
      ['a cursor of the wrong kind', `/orders?cursor=${Buffer.from('seq:-1').toString('base64url')}`, 'invalid-cursor'],
    ])('refuses %s with 400', async (_label, url, type) => {
      const response = await call({ url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: `/problems/${type}` });
    });
  });

  describe('versions', () => {
    it('marks every v1 response deprecated, with a sunset and its successor', async () => {
      const created = await place();
      const id = created.json().id;
      for (const response of [created, await call({ url: `/orders/${id}` }), await call({ url: '/orders/nope' })]) {
        expect(response.headers.deprecation).toBe('@1793491200');
        expect(response.headers.sunset).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
      }
      expect(created.headers.link).toBe('</v2/orders>; rel="successor-version"');
      expect((await call({ url: `/orders/${id}` })).headers.link).toBe(`</v2/orders/${id}>; rel="successor-version"`);
      const list = await call({ url: '/orders?limit=1' });
      expect(list.headers.link).toMatch(/rel="first", .*rel="next", <\/v2\/orders>; rel="successor-version"$/);
    });

    it('serves v2: a customer object, the version in the body, no deprecation', async () => {
      const customerId = newCustomer();
      const created = await call({
        method: 'POST',
        url: '/v2/orders',
        headers: json,
        payload: { customer: { id: customerId }, lines },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe(`/v2/orders/${created.json().id}`);
      expect(created.json()).toMatchObject({ customer: { id: customerId }, status: 'confirmed', version: 1 });
      expect(created.json()).not.toHaveProperty('customerId');
      expect(created.headers.deprecation).toBeUndefined();
      const v1 = await call({ url: `/orders/${created.json().id}` });
      expect(v1.json()).toEqual({ ...created.json(), customer: undefined, version: undefined, customerId });
    });

    it('cancels by PATCH on v2, which requires If-Match', async () => {
      const { id } = (await place()).json() as Order;
      const patch = (headers: Record<string, string>, payload: object = { status: 'cancelled' }) =>
        call({
          method: 'PATCH',
          url: `/v2/orders/${id}`,
          headers: { 'content-type': 'application/merge-patch+json', ...headers },
          payload,
        });
      const missing = await patch({});
      expect(missing.statusCode).toBe(428);
      expect(missing.json()).toMatchObject({ type: '/problems/precondition-required' });
      expect((await patch({ 'if-match': '"v1"' }, { status: 'confirmed' })).statusCode).toBe(400);
      expect((await patch({ 'if-match': '"v2"' })).statusCode).toBe(412);
      expect(await store.get(id)).toMatchObject({ status: 'confirmed', version: 1 });

      const done = await patch({ 'if-match': '"v1"' });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ status: 'cancelled', version: 2 });
      expect(done.headers.etag).toBe('"v2"');
    });

    it('documents v1 operations as deprecated in the OpenAPI document', async () => {
      const doc = (await app.inject({ url: '/openapi.json' })).json();
      expect(doc.paths['/orders'].post.deprecated).toBe(true);
      expect(doc.paths['/v2/orders'].post.deprecated).toBeUndefined();
      expect(doc.paths['/orders/{id}'].get.responses['200'].headers).toHaveProperty('etag');
    });
  });
});

describe('REST API limits and failures', () => {
  it('answers 429 problem+json with Retry-After past the rate limit, and never limits the probes', async () => {
    const { env, drop } = await stores[0]!.open();
    const { app, close } = await orderService({
      ...env,
      INVENTORY_ADDR: inventory.address,
      RATE_LIMIT_PER_MINUTE: '3',
    });
    const call = await contractChecked(app);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call({ url: '/v2/orders' })).statusCode);
    const limited = await call({ url: '/orders' });
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await close();
    await drop();
  });

  it('cancels even when inventory is down (503), and a repeat completes the release', async () => {
    const { env, drop } = await stores[0]!.open();
    const order: Order = {
      id: randomUUID(),
      customerId: 'c-down',
      status: 'confirmed',
      lines,
      createdAt: new Date().toISOString(),
      version: 1,
    };
    const down = await orderService({
      ...env,
      INVENTORY_ADDR: `127.0.0.1:${await freePort()}`,
      INVENTORY_DEADLINE_MS: '500',
    });
    await down.store.insert(order);
    const refused = await (await contractChecked(down.app))({ method: 'POST', url: `/orders/${order.id}/cancel` });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().detail).toContain('is cancelled, but its stock is not released yet');
    expect(await down.store.get(order.id)).toMatchObject({ status: 'cancelled', version: 2 });
    await down.close();

    const up = await orderService({ ...env, INVENTORY_ADDR: inventory.address });
    const repeated = await (
      await contractChecked(up.app)
    )({
      method: 'POST',
      url: `/orders/${order.id}/cancel`,
      headers: { 'if-match': '"v1"' },
    });
    expect(repeated.statusCode).toBe(200);
    expect(repeated.json().status).toBe('cancelled');
    await up.close();
    await drop();
  });
});
