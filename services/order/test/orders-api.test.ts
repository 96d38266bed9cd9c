import { credentials, Server, ServerCredentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryProto, type InventoryServiceClient, type StockLevel } from '@commlab/contracts';
import type { OrderStoreWithEvents } from '../src/domain/ports.ts';
import { freePort, orderService, startInventoryProcess, stores, type OrderService } from './helpers.ts';

const json = { 'content-type': 'application/json' };
const order = (lines: unknown[] = [{ sku: 'KB-001', quantity: 1 }]) => ({ customerId: 'c-1', lines });

let inventory: Awaited<ReturnType<typeof startInventoryProcess>>;
let inventoryClient: InventoryServiceClient;

beforeAll(async () => {
  inventory = await startInventoryProcess();
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  inventoryClient = new InventoryService(inventory.address, credentials.createInsecure());
});
afterAll(async () => {
  inventoryClient?.close();
  await inventory?.stop();
});

function stockOf(sku: string): Promise<StockLevel> {
  return new Promise((resolve, reject) =>
    inventoryClient.GetStock({ skus: [sku] }, (err, reply) => (err ? reject(err) : resolve(reply!.items[0]!))),
  );
}

describe.each(stores)('order API with the $name store', ({ open }) => {
  let service: OrderService;
  let app: OrderService['app'];
  let store: OrderStoreWithEvents;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ env, drop } = await open());
    service = await orderService({ ...env, INVENTORY_ADDR: inventory.address });
    ({ app, store } = service);
  });
  afterAll(async () => {
    await service?.close();
    await drop?.();
  });

  const countOrders = async () => (await store.list({ limit: 1000 })).items.length;

  it('places an order: 201 with Location, stock reserved in inventory, readable back', async () => {
    const before = await stockOf('MS-002');
    const created = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: json,
      payload: order([{ sku: 'MS-002', quantity: 2 }]),
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(created.headers.location).toBe(`/orders/${body.id}`);
    expect(body).toMatchObject({ customerId: 'c-1', status: 'confirmed', lines: [{ sku: 'MS-002', quantity: 2 }] });

    expect((await stockOf('MS-002')).reserved).toBe(before.reserved + 2);
    const read = await app.inject({ url: created.headers.location as string });
    expect(read.json()).toEqual(body);
  });

  it('pages through orders with an opaque cursor and a Link header', async () => {
    for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/orders', headers: json, payload: order() });
    const total = await countOrders();
    const seen: string[] = [];
    let url: string | undefined = '/orders?limit=2';
    while (url) {
      const page = await app.inject({ url });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((o: { id: string }) => o.id));
      const next = page.json().next as string | undefined;
      expect(page.headers.link).toContain('</orders?limit=2>; rel="first"');
      if (next) expect(page.headers.link).toContain(`</orders?limit=2&cursor=${next}>; rel="next"`);
      else expect(page.headers.link).not.toContain('rel="next"');
      url = next && `/orders?limit=2&cursor=${next}`;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('answers 404 problem+json for an order that does not exist', async () => {
    const response = await app.inject({ url: '/orders/00000000-0000-4000-8000-000000000000' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/not-found', status: 404 });
  });

  it('answers 400 invalid-cursor for a cursor it never handed out', async () => {
    const response = await app.inject({ url: '/orders?cursor=bm9wZQ' });
    expect(response.json()).toMatchObject({ type: '/problems/invalid-cursor', status: 400 });
  });

  const tooManyLines = Array.from({ length: 101 }, () => ({ sku: 'KB-001', quantity: 1 }));
  const bigBody = JSON.stringify({ ...order(), padding: 'x'.repeat(1_100_000) });

  it.each([
    ['malformed JSON', '{"customerId": "c-1", "lines": [', json, 400, 'malformed-json'],
    ['a missing field', JSON.stringify({ customerId: 'c-1' }), json, 400, 'validation'],
    ['an unknown field', JSON.stringify({ ...order(), coupon: 'FREE' }), json, 400, 'validation'],
    ['a quantity of zero', JSON.stringify(order([{ sku: 'KB-001', quantity: 0 }])), json, 400, 'validation'],
    ['a negative quantity', JSON.stringify(order([{ sku: 'KB-001', quantity: -3 }])), json, 400, 'validation'],
    ['a fractional quantity', JSON.stringify(order([{ sku: 'KB-001', quantity: 1.5 }])), json, 400, 'validation'],
    ['a quantity sent as a string', JSON.stringify(order([{ sku: 'KB-001', quantity: '2' }])), json, 400, 'validation'],
    ['an empty line list', JSON.stringify(order([])), json, 400, 'validation'],
    ['more than 100 lines', JSON.stringify(order(tooManyLines)), json, 400, 'validation'],
    ['a body over 1 MiB', bigBody, json, 413, 'payload-too-large'],
    ['a body that is not JSON', 'customerId=c-1', { 'content-type': 'text/plain' }, 415, 'unsupported-media-type'],
    ['an unknown SKU', JSON.stringify(order([{ sku: 'NOPE-404', quantity: 1 }])), json, 422, 'unknown-sku'],
    ['more than the stock', JSON.stringify(order([{ sku: 'CH-011', quantity: 6 }])), json, 409, 'insufficient-stock'],
  ])('refuses %s with a clear problem and creates nothing', async (_label, payload, headers, status, type) => {
    const ordersBefore = await countOrders();
    const stockBefore = await stockOf('KB-001');
    const response = await app.inject({ method: 'POST', url: '/orders', headers, payload });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: `/problems/${type}`, status });
    expect(response.json().detail).toEqual(expect.any(String));
    expect(await countOrders()).toBe(ordersBefore);
    expect(await stockOf('KB-001')).toEqual(stockBefore);
  });

  it('names each unknown field and each wrong type, with a JSON pointer', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: json,
      payload: { customerId: 'c-1', lines: [{ sku: 'KB-001', quantity: 'two', colour: 'red' }] },
    });
    expect(response.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/lines/0', detail: 'unknown field "colour"' },
        { pointer: '#/lines/0/quantity', detail: 'must be integer' },
      ]),
    );
  });
});

describe('order API when inventory misbehaves', () => {
  it('answers 503 with Retry-After and creates nothing when inventory is unreachable', async () => {
    const { env, drop } = await stores[0]!.open();
    const { app, store, close } = await orderService({ ...env, INVENTORY_ADDR: `127.0.0.1:${await freePort()}` });
    const response = await app.inject({ method: 'POST', url: '/orders', headers: json, payload: order() });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ type: '/problems/inventory-unavailable' });
    expect((await store.list({ limit: 10 })).items).toEqual([]);
    await close();
    await drop();
  });

  it('answers 504 when inventory misses the deadline, stores nothing and releases the reservation', async () => {
    // A stand-in that speaks the inventory contract but never answers Reserve: only a
    // contract-level double can hang on purpose. (That inventory refuses a Reserve arriving
    // after its Release is proven in the inventory's own ledger tests.)
    const released: string[] = [];
    const server = new Server();
    server.addService(loadInventoryProto().commlab.inventory.v1.InventoryService.service, {
      GetStock: (_call: unknown, cb: (e: null, r: object) => void) => cb(null, { items: [] }),
      Reserve: () => {},
      Release: (call: { request: { reservationId: string } }, cb: (e: null, r: object) => void) => {
        released.push(call.request.reservationId);
        cb(null, { reservationId: call.request.reservationId, released: false });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const { env, drop } = await stores[0]!.open();
    const { app, store, close } = await orderService({
      ...env,
      INVENTORY_ADDR: `127.0.0.1:${port}`,
      INVENTORY_DEADLINE_MS: '200',
    });

    const response = await app.inject({ method: 'POST', url: '/orders', headers: json, payload: order() });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ type: '/problems/inventory-timeout' });
    expect((await store.list({ limit: 10 })).items).toEqual([]);
    expect(released).toHaveLength(1);
    expect(released[0]).toMatch(/^[0-9a-f-]{36}$/);

    await close();
    await drop();
    server.forceShutdown();
  });
});
