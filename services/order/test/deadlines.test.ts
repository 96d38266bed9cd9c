import { credentials, Server, ServerCredentials, type Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryProto } from '@commlab/contracts';
import { orderService, startInventoryProcess, stores, type OrderService } from './helpers.ts';

const json = { 'content-type': 'application/json' };
const order = { customerId: 'c-1', lines: [{ sku: 'KB-001', quantity: 1 }] };

/**
 * A stand-in that speaks the inventory contract and records what each Reserve carried: its
 * deadline and its metadata. Only a contract-level double can tell what crossed the wire.
 */
async function recordingInventory() {
  const seen: { deadline: number; metadata: Metadata }[] = [];
  const server = new Server();
  server.addService(loadInventoryProto().commlab.inventory.v1.InventoryService.service, {
    Reserve: (
      call: { getDeadline(): Date | number; metadata: Metadata; request: { reservationId: string } },
      cb: (e: null, r: object) => void,
    ) => {
      seen.push({ deadline: Number(call.getDeadline()), metadata: call.metadata });
      cb(null, { reservationId: call.request.reservationId, items: [] });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, seen, stop: () => server.forceShutdown() };
}

describe('what order hands inventory: the remaining budget and the request id', () => {
  let inventory: Awaited<ReturnType<typeof recordingInventory>>;
  let opened: Awaited<ReturnType<(typeof stores)[0]['open']>>;
  let service: OrderService;

  beforeAll(async () => {
    inventory = await recordingInventory();
    opened = await stores[0]!.open();
    service = await orderService({ ...opened.env, INVENTORY_ADDR: inventory.address, INVENTORY_DEADLINE_MS: '5000' });
    await service.app.ready(); // so a request's clock starts when it is sent, not while plugins load
  });
  afterAll(async () => {
    await service?.close();
    await opened?.drop();
    inventory?.stop();
  });

  const place = (headers: Record<string, string> = {}) =>
    service.app.inject({ method: 'POST', url: '/orders', headers: { ...json, ...headers }, payload: order });

  it("gives inventory no more than what is left of the caller's Request-Timeout", async () => {
    const sent = Date.now();
    const response = await place({ 'request-timeout': '800' });
    expect(response.statusCode).toBe(201);
    const { deadline } = inventory.seen.at(-1)!;
    // The deadline crossed the wire as grpc-timeout, relative, so the time in transit lands on
    // top of it. What matters: it is about the caller's 800 ms, far from the 5000 ms a fresh one gives.
    expect(deadline).toBeGreaterThan(sent);
    expect(deadline).toBeLessThan(sent + 2_000);
  });

  it('gives inventory its own deadline when the caller allows more time', async () => {
    const sent = Date.now();
    await place({ 'request-timeout': '60000' });
    const { deadline } = inventory.seen.at(-1)!;
    expect(deadline).toBeGreaterThan(sent + 4_000);
    expect(deadline).toBeLessThan(sent + 6_000);
  });

  it('carries the x-request-id from the HTTP request into the gRPC metadata, and echoes it', async () => {
    const response = await place({ 'x-request-id': 'checkout-42' });
    expect(response.headers['x-request-id']).toBe('checkout-42');
    expect(inventory.seen.at(-1)!.metadata.get('x-request-id')).toEqual(['checkout-42']);
  });

  it('makes up a request id when the caller sends none, and uses the same one on both sides', async () => {
    const response = await place();
    const id = response.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(inventory.seen.at(-1)!.metadata.get('x-request-id')).toEqual([id]);
  });

  it('replaces an unacceptable x-request-id instead of passing it on', async () => {
    const response = await place({ 'x-request-id': 'x'.repeat(500) });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([['soon'], ['0'], ['-1'], ['999999999']])(
    'refuses a Request-Timeout of %j with a validation problem and asks inventory nothing',
    async (value) => {
      const before = inventory.seen.length;
      const ordersBefore = (await service.store.list({ limit: 100 })).items.length;
      const response = await place({ 'request-timeout': value });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        type: '/problems/validation',
        errors: [{ pointer: '#/headers/request-timeout' }],
      });
      expect(inventory.seen).toHaveLength(before);
      expect((await service.store.list({ limit: 100 })).items).toHaveLength(ordersBefore);
    },
  );
});

describe('a slow inventory and a caller in a hurry', () => {
  it("answers 504 within the caller's Request-Timeout, stores nothing and leaves no stock held", async () => {
    const inventory = await startInventoryProcess({ RESERVE_DELAY_MS: '3000' });
    const { env, drop } = await stores[0]!.open();
    const service = await orderService({ ...env, INVENTORY_ADDR: inventory.address, INVENTORY_DEADLINE_MS: '10000' });
    try {
      const response = await service.app.inject({
        method: 'POST',
        url: '/orders',
        headers: { ...json, 'request-timeout': '300' },
        payload: order,
      });
      expect(response.statusCode).toBe(504);
      expect(response.json()).toMatchObject({ type: '/problems/inventory-timeout' });
      expect((await service.store.list({ limit: 10 })).items).toEqual([]);
      const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
      const client = new InventoryService(inventory.address, credentials.createInsecure());
      const level = await new Promise((resolve, reject) =>
        client.GetStock({ skus: ['KB-001'] }, (err, reply) => (err ? reject(err) : resolve(reply!.items[0]))),
      );
      client.close();
      expect(level).toMatchObject({ available: 25, reserved: 0 });
    } finally {
      await service.close();
      await drop();
      await inventory.stop();
    }
  });
});
