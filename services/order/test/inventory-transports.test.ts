import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderError } from '../src/domain/errors.ts';
import { connectInventory, type InventoryEdge } from '../src/inventory/edge.ts';
import { freePort, orderService, startInventoryProcess, stores, type OrderService } from './helpers.ts';

const transports = ['grpc', 'thrift', 'rest'] as const;
type Transport = (typeof transports)[number];

let inventory: Awaited<ReturnType<typeof startInventoryProcess>>;
let addresses: { grpc: string; thrift: string; rest: string };

beforeAll(async () => {
  const [thriftPort, httpPort] = [await freePort(), await freePort()];
  inventory = await startInventoryProcess({ THRIFT_PORT: String(thriftPort), HTTP_PORT: String(httpPort) });
  addresses = { grpc: inventory.address, thrift: `127.0.0.1:${thriftPort}`, rest: `http://127.0.0.1:${httpPort}` };
});
afterAll(() => inventory?.stop());

const settings = (transport: Transport, at = addresses) => ({
  INVENTORY_TRANSPORT: transport,
  INVENTORY_ADDR: at.grpc,
  INVENTORY_THRIFT_ADDR: at.thrift,
  INVENTORY_URL: at.rest,
});
const edge = (transport: Transport, at = addresses): InventoryEdge => connectInventory(settings(transport, at));

describe('the order service over each inventory transport', () => {
  const services = {} as Record<Transport, OrderService>;
  const drops: (() => Promise<void>)[] = [];
  let stock: InventoryEdge;

  beforeAll(async () => {
    for (const transport of transports) {
      const { env, drop } = await stores[0]!.open();
      drops.push(drop);
      services[transport] = await orderService({ ...env, ...settings(transport) });
    }
    stock = edge('rest');
  });
  afterAll(async () => {
    for (const service of Object.values(services)) await service.close();
    for (const drop of drops) await drop();
  });

  const available = async (sku: string) => {
    const response = await fetch(`${addresses.rest}/stock?skus=${sku}`);
    return ((await response.json()) as { items: { available: number }[] }).items[0]!.available;
  };

  /** What a client of order sees, minus what differs by nature (ids, times). */
  async function place(transport: Transport, lines: unknown[]) {
    const sku = (lines[0] as { sku: string }).sku;
    const before = sku.startsWith('NOPE') ? 0 : await available(sku);
    const response = await services[transport].app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: { customerId: 'c-1', lines },
    });
    const body = response.json() as Record<string, unknown>;
    delete body.id;
    delete body.createdAt;
    const after = sku.startsWith('NOPE') ? 0 : await available(sku);
    return { status: response.statusCode, body, taken: before - after };
  }

  it.each([
    ['success', [{ sku: 'MS-002', quantity: 2 }], 201],
    ['insufficient stock', [{ sku: 'CH-011', quantity: 6 }], 409],
    ['an unknown SKU', [{ sku: 'NOPE-404', quantity: 1 }], 422],
    // Each line passes order's own checks; inventory refuses their sum (11000 > 10000).
    ['an invalid argument', Array.from({ length: 11 }, () => ({ sku: 'CB-007', quantity: 1000 })), 400],
  ])('gives identical results over gRPC, Thrift and REST for %s', async (_label, lines, status) => {
    const results = [];
    for (const transport of transports) results.push(await place(transport, lines));
    expect(results[0]!.status).toBe(status);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]!.taken).toBe(status === 201 ? 2 : 0);
  });

  it('shows the scenario results the guide relies on', async () => {
    expect((await place('thrift', [{ sku: 'CH-011', quantity: 6 }])).body).toMatchObject({
      type: '/problems/insufficient-stock',
      detail: 'not enough CH-011: 6 requested, 5 available',
      subject: 'CH-011',
    });
    expect(
      (
        await place(
          'rest',
          Array.from({ length: 11 }, () => ({ sku: 'CB-007', quantity: 1000 })),
        )
      ).body,
    ).toMatchObject({
      type: '/problems/validation',
      detail: 'lines for CB-007 add up to 11000; at most 10000 of one SKU per reservation',
      subject: 'lines',
    });
  });

  describe.each(transports)('the %s adapter', (transport) => {
    const deadline = () => new Date(Date.now() + 2_000);
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (err: unknown) => err as OrderError,
      );

    it.each([
      ['an invalid SKU', [{ sku: 'kb 1', quantity: 1 }], 'lines[0].sku'],
      ['a negative quantity', [{ sku: 'KB-001', quantity: -1 }], 'lines[0].quantity'],
      ['a huge quantity', [{ sku: 'KB-001', quantity: 2_000_000_000 }], 'lines[0].quantity'],
      ['an empty line list', [], 'lines'],
    ])(
      'passes inventory refusing %s as INVALID_ORDER, naming the field, with nothing reserved',
      async (_label, lines, subject) => {
        const before = await available('KB-001');
        const client = edge(transport);
        const err = await refusal(client.reserve(crypto.randomUUID(), lines, deadline()));
        await client.close();
        expect(err).toMatchObject({ reason: 'INVALID_ORDER', subject });
        expect(await available('KB-001')).toBe(before);
      },
    );

    it('fails fast with INVENTORY_UNAVAILABLE when nothing listens', async () => {
      const nowhere = `127.0.0.1:${await freePort()}`;
      const client = edge(transport, { grpc: nowhere, thrift: nowhere, rest: `http://${nowhere}` });
      const err = await refusal(client.reserve('o-x', [{ sku: 'KB-001', quantity: 1 }], deadline()));
      await client.close();
      expect(err).toMatchObject({ reason: 'INVENTORY_UNAVAILABLE' });
    });

    it('answers its readiness check', async () => {
      const client = edge(transport);
      await expect(client.ready()).resolves.toBeUndefined();
      await client.close();
    });

    it('releases a reservation', async () => {
      const id = crypto.randomUUID();
      const before = await available('MP-009');
      await stock.reserve(id, [{ sku: 'MP-009', quantity: 1 }], deadline());
      const client = edge(transport);
      await client.release(id, deadline());
      await client.close();
      expect(await available('MP-009')).toBe(before);
    });
  });
});
