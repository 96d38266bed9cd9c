import { connect } from 'node:net';
import { createClient, createConnection, TCompactProtocol, TFramedTransport, type Connection } from 'thrift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgument,
  RefusalReason,
  Refused,
  ThriftInventoryService,
  UnknownSku,
  type ThriftInventoryClient,
} from '@commlab/contracts/thrift';
import { startInventory } from './helpers.ts';

describe('inventory over Thrift (framed transport, compact protocol)', () => {
  let inventory: Awaited<ReturnType<typeof startInventory>>;
  let port: number;
  let connection: Connection;
  let client: ThriftInventoryClient;

  beforeAll(async () => {
    inventory = await startInventory({ env: { THRIFT_PORT: '0' } });
    port = inventory.ports.thrift!;
    connection = createConnection('127.0.0.1', port, { transport: TFramedTransport, protocol: TCompactProtocol });
    client = createClient(ThriftInventoryService, connection);
  });
  afterAll(async () => {
    connection?.end();
    await inventory?.close();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('reads stock, reserves and releases, with the same answers as gRPC', async () => {
    expect(await client.getStock(['MS-002'])).toEqual([
      { sku: 'MS-002', name: 'Wireless mouse', available: 40, reserved: 0 },
    ]);
    const reserved = await client.reserve({ reservationId: 't-1', lines: [{ sku: 'MS-002', quantity: 3 }] });
    expect(reserved).toEqual({
      reservationId: 't-1',
      items: [{ sku: 'MS-002', name: 'Wireless mouse', available: 37, reserved: 3 }],
    });
    expect(await client.release('t-1')).toBe(true);
    expect(await client.release('t-1')).toBe(false);
  });

  it.each([
    ['a zero quantity', { reservationId: 'bad-1', lines: [{ sku: 'KB-001', quantity: 0 }] }, 'lines[0].quantity'],
    ['a negative quantity', { reservationId: 'bad-2', lines: [{ sku: 'KB-001', quantity: -4 }] }, 'lines[0].quantity'],
    [
      'a huge quantity',
      { reservationId: 'bad-3', lines: [{ sku: 'KB-001', quantity: 2_000_000_000 }] },
      'lines[0].quantity',
    ],
    ['an empty line list', { reservationId: 'bad-4', lines: [] }, 'lines'],
    ['a malformed SKU', { reservationId: 'bad-5', lines: [{ sku: 'kb 1', quantity: 1 }] }, 'lines[0].sku'],
    ['a malformed reservation id', { reservationId: ' ', lines: [{ sku: 'KB-001', quantity: 1 }] }, 'reservation_id'],
  ])('throws the declared InvalidArgument for %s and reserves nothing', async (_label, request, field) => {
    const err = await failure(client.reserve(request as never));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect(err).toMatchObject({ field });
    expect((await client.getStock(['KB-001']))[0]).toMatchObject({ available: 25, reserved: 0 });
  });

  it('throws InvalidArgument when the request struct is missing altogether', async () => {
    expect(await failure(client.reserve(null as never))).toBeInstanceOf(InvalidArgument);
  });

  it('throws UnknownSku naming the SKU', async () => {
    const err = await failure(client.reserve({ reservationId: 'u-1', lines: [{ sku: 'NOPE-1', quantity: 1 }] }));
    expect(err).toBeInstanceOf(UnknownSku);
    expect(err).toMatchObject({ sku: 'NOPE-1', message: 'unknown SKU NOPE-1' });
  });

  it('throws Refused with a reason for more than the stock', async () => {
    const err = await failure(client.reserve({ reservationId: 'r-9', lines: [{ sku: 'CH-011', quantity: 6 }] }));
    expect(err).toBeInstanceOf(Refused);
    expect(err).toMatchObject({ reason: RefusalReason.INSUFFICIENT_STOCK, subject: 'CH-011' });
  });

  it('closes a connection that sends a frame over 64 KiB and keeps serving the others', async () => {
    const closed = new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        const header = Buffer.alloc(4);
        header.writeInt32BE(1_000_000);
        socket.write(header);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => {});
    });
    await closed;
    expect(await client.getStock(['KB-001'])).toHaveLength(1);
  });
});
