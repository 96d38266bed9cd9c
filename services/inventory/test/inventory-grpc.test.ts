import { credentials, status, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '@commlab/kit';
import { call, startInventory } from './helpers.ts';
import type { GetStockResponse, ReserveResponse } from '@commlab/contracts';

describe('inventory gRPC server', () => {
  let inventory: Awaited<ReturnType<typeof startInventory>>;
  beforeAll(async () => {
    inventory = await startInventory();
  });
  afterAll(() => inventory.close());

  const client = () => inventory.client;

  it('lists the whole seeded catalogue when no SKU is named', async () => {
    const { reply } = await call<GetStockResponse>((cb) => client().GetStock({ skus: [] }, cb));
    expect(reply!.items).toHaveLength(12);
    expect(reply!.items[0]).toEqual({ sku: 'KB-001', name: 'Mechanical keyboard', available: 25, reserved: 0 });
  });

  it('reserves stock and releases it', async () => {
    const reserved = await call<ReserveResponse>((cb) =>
      client().Reserve({ reservationId: 'grpc-test-1', lines: [{ sku: 'MS-002', quantity: 3 }] }, cb),
    );
    expect(reserved.reply!.items).toEqual([{ sku: 'MS-002', name: 'Wireless mouse', available: 37, reserved: 3 }]);
    const released = await call((cb) => client().Release({ reservationId: 'grpc-test-1' }, cb));
    expect(released.reply).toEqual({ reservationId: 'grpc-test-1', released: true });
  });

  it.each([
    [
      'INVALID_ARGUMENT for a zero quantity',
      { reservationId: 'bad-1', lines: [{ sku: 'KB-001', quantity: 0 }] },
      status.INVALID_ARGUMENT,
    ],
    ['INVALID_ARGUMENT for no lines', { reservationId: 'bad-2', lines: [] }, status.INVALID_ARGUMENT],
    [
      'INVALID_ARGUMENT for a negative quantity',
      { reservationId: 'bad-5', lines: [{ sku: 'KB-001', quantity: -2 }] },
      status.INVALID_ARGUMENT,
    ],
    [
      'INVALID_ARGUMENT for a huge quantity',
      { reservationId: 'bad-6', lines: [{ sku: 'KB-001', quantity: 2_000_000_000 }] },
      status.INVALID_ARGUMENT,
    ],
    [
      'INVALID_ARGUMENT for a malformed SKU',
      { reservationId: 'bad-7', lines: [{ sku: 'kb 001', quantity: 1 }] },
      status.INVALID_ARGUMENT,
    ],
    [
      'INVALID_ARGUMENT for an empty reservation id',
      { reservationId: '', lines: [{ sku: 'KB-001', quantity: 1 }] },
      status.INVALID_ARGUMENT,
    ],
    [
      'NOT_FOUND for an unknown SKU',
      { reservationId: 'bad-3', lines: [{ sku: 'NOPE-1', quantity: 1 }] },
      status.NOT_FOUND,
    ],
    [
      'FAILED_PRECONDITION for more than the stock',
      { reservationId: 'bad-4', lines: [{ sku: 'CH-011', quantity: 6 }] },
      status.FAILED_PRECONDITION,
    ],
  ])('answers %s and reserves nothing', async (_label, request, code) => {
    const { error } = await call((cb) => client().Reserve(request, cb));
    expect(error?.code).toBe(code);
    expect(error?.metadata.get('error-reason')).toHaveLength(1);
    const { reply } = await call<GetStockResponse>((cb) => client().GetStock({ skus: [] }, cb));
    expect(reply!.items.every((item) => item.reserved === 0 || item.sku === 'MS-002')).toBe(true);
  });

  it('answers ALREADY_EXISTS when a reservation id is reused with other lines', async () => {
    await call((cb) => client().Reserve({ reservationId: 'dup', lines: [{ sku: 'MP-009', quantity: 1 }] }, cb));
    const { error } = await call((cb) =>
      client().Reserve({ reservationId: 'dup', lines: [{ sku: 'MP-009', quantity: 2 }] }, cb),
    );
    expect(error?.code).toBe(status.ALREADY_EXISTS);
  });

  it('reports SERVING through the standard health service', async () => {
    await expect(probe(`grpc://${inventory.address}`)).resolves.toBeUndefined();
  });

  it('can be listed and called by a client that knows only server reflection', async () => {
    const reflection = new GrpcReflection(inventory.address, credentials.createInsecure());
    expect(await reflection.listServices()).toContain('commlab.inventory.v1.InventoryService');

    const descriptor = await reflection.getDescriptorBySymbol('commlab.inventory.v1.InventoryService');
    const pkg = descriptor.getPackageObject({ keepCase: true, longs: String, enums: String, defaults: true });
    // Built from what the server described: no .proto file and no generated code involved.
    type StockClient = Client & {
      GetStock(
        request: { skus: string[] },
        cb: (err: ServiceError | null, res?: { items: { sku: string }[] }) => void,
      ): void;
    };
    const Service = (
      pkg as unknown as {
        commlab: {
          inventory: { v1: { InventoryService: new (address: string, creds: ChannelCredentials) => StockClient } };
        };
      }
    ).commlab.inventory.v1.InventoryService;
    const dynamic = new Service(inventory.address, credentials.createInsecure());
    const { reply } = await call<{ items: { sku: string }[] }>((cb) => dynamic.GetStock({ skus: ['KB-001'] }, cb));
    dynamic.close();
    expect(reply!.items[0]!.sku).toBe('KB-001');
  });
});
