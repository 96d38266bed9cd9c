import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { loadInventoryProto, stockLevelOf, type SessionReply, type StockLevel } from '@commlab/contracts';
import { labForThisFile } from '@commlab/lab/testing';

// Waits for something the servers do in their own time; generous, for a busy two-core machine.
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('lab 04-rpc: one contract, four call kinds, three transports', () => {
  const lab = labForThisFile('04-rpc', {
    connect: (lab) => {
      const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
      return new InventoryService(lab.addr('inventory'), credentials.createInsecure());
    },
  });

  const stockOf = (sku: string) => stockLevelOf(lab.client, sku);
  const placeOrder = (service: string, lines: unknown[], headers: Record<string, string> = {}) =>
    fetch(`${lab.url(service)}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ customerId: 'reader-1', lines }),
    });

  it('places the same order through each of the three order services, each over its own transport', async () => {
    const before = await stockOf('WC-005');
    for (const service of ['order', 'order-thrift', 'order-rest']) {
      const placed = await placeOrder(service, [{ sku: 'WC-005', quantity: 1 }]);
      expect(placed.status, service).toBe(201);
    }
    expect(await stockOf('WC-005')).toMatchObject({ available: before.available - 3, reserved: before.reserved + 3 });
  });

  it('gives the same problem for the same refusal whichever transport order used', async () => {
    const bodies = [];
    for (const service of ['order', 'order-thrift', 'order-rest']) {
      const refused = await placeOrder(service, [{ sku: 'SP-010', quantity: 99 }]);
      expect(refused.status).toBe(409);
      bodies.push(await refused.json());
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it("carries a request id from HTTP through gRPC into inventory's log, and echoes it", async () => {
    const placed = await placeOrder('order', [{ sku: 'MP-009', quantity: 1 }], { 'x-request-id': 'lab04-trace-1' });
    expect(placed.headers.get('x-request-id')).toBe('lab04-trace-1');
    await eventually(async () => {
      const line = (await lab.logs('inventory')).find((l) => l.includes('lab04-trace-1'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({ requestId: 'lab04-trace-1', method: 'Reserve', code: 'OK' });
    });
  });

  it('streams stock changes to a watcher as orders reserve stock', async () => {
    const watch = lab.client.WatchStock({ skus: ['LS-008'] });
    const seen: number[] = [];
    watch.on('data', (level: StockLevel) => seen.push(level.available));
    watch.on('error', () => {});
    await eventually(() => expect(seen).toEqual([20]));
    await placeOrder('order-rest', [{ sku: 'LS-008', quantity: 2 }]);
    await eventually(() => expect(seen).toEqual([20, 18]));
    watch.cancel();
  });

  it("uploads an adjustment file as one client stream with the guide's client", async () => {
    const { stdout } = await run(process.execPath, [
      here('./client.ts'),
      lab.addr('inventory'),
      'adjust',
      here('./restock.csv'),
    ]);
    expect(stdout.split('\n')[0]).toBe('applied 4 adjustments');
    expect(await stockOf('LT-012')).toMatchObject({ available: 18 });
  });

  it('answers a reservation session request by request', async () => {
    const session = lab.client.ReserveSession(new Metadata());
    const replies: SessionReply[] = [];
    session.on('data', (reply: SessionReply) => replies.push(reply));
    session.write({
      correlationId: '1',
      reserve: { reservationId: 'lab-s1', lines: [{ sku: 'DK-006', quantity: 1 }] },
    });
    session.write({
      correlationId: '2',
      reserve: { reservationId: 'lab-s2', lines: [{ sku: 'DK-006', quantity: 999 }] },
    });
    session.end();
    await new Promise((resolve) => session.on('end', resolve));
    expect(replies.map((r) => r.outcome)).toEqual(['reserved', 'refusal']);
  });

  it('refuses an upload with an enum value it does not know, naming it, and applies nothing', async () => {
    const before = await stockOf('LT-012');
    const error = await new Promise<ServiceError | null>((resolve) => {
      const upload = lab.client.AdjustStock((err) => resolve(err));
      upload.write({ sku: 'LT-012', delta: 1, reason: 42 as never });
      upload.end();
    });
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.metadata.get('error-subject')).toEqual(['adjustments[0].reason']);
    expect(await stockOf('LT-012')).toEqual(before);
  });

  it('prints the sizes of one order as JSON, protobuf and Thrift compact, protobuf and Thrift smaller', async () => {
    const { stdout } = await run(process.execPath, [here('./sizes.ts'), '--iterations', '200']);
    const rows = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => /^(JSON|protobuf|Thrift compact)\s+(\d+)\s+\d+ %\s+([\d.]+)\s+([\d.]+)$/.exec(line))
        .filter((m) => m !== null)
        .map((m) => [m[1], Number(m[2])]),
    );
    expect(Object.keys(rows)).toEqual(['JSON', 'protobuf', 'Thrift compact']);
    expect(rows.protobuf).toBeLessThan(rows.JSON!);
    expect(rows['Thrift compact']).toBeLessThan(rows.JSON!);
  });
});
