import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  loadInventoryProto,
  type GetStockResponse,
  type InventoryServiceClient,
  type ReleaseResponse,
  type ReserveResponse,
} from '@commlab/contracts';
import { inventoryEventTypes } from '@commlab/contracts/events';
import { connectEventBus, newEvent, rabbitMqNames, serviceBusNames, type CloudEvent } from '@commlab/events';
import { probe } from '@commlab/kit';
import { amqpUrl, freePort, freshPostgresDatabase } from '@commlab/testkit';
import { call } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The inventory service as a real process, ready once its gRPC health says SERVING. */
async function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  await vi.waitFor(
    async () => {
      if (exited) throw new Error(`inventory exited before it was ready:\n${output}`);
      await probe(`grpc://127.0.0.1:${env.PORT}`);
    },
    { timeout: 20_000, interval: 100 },
  );
  return {
    /** SIGKILL: no shutdown, no flush — what a crash or an OOM kill does. */
    kill: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const databases = [
  { name: 'SQLite', open: async () => ({ env: {}, drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await freshPostgresDatabase();
      return { env: { DATABASE_URL: db.url }, drop: db.drop };
    },
  },
];

describe.each(databases)('inventory killed and started again, on $name', ({ open }) => {
  const namespace = `test-inventory-${randomUUID().slice(0, 8)}`;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let client: InventoryServiceClient;
  let answers: CloudEvent[];
  let bus: Awaited<ReturnType<typeof connectEventBus>>;
  let url: string;

  beforeAll(async () => {
    const database = await open();
    drop = database.drop;
    url = await amqpUrl();
    const port = await freePort();
    env = {
      ...database.env,
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-inventory-')),
      EVENT_BUS: 'rabbitmq',
      AMQP_URL: url,
      EVENT_NAMESPACE: namespace,
    };
    const names = serviceBusNames(namespace);
    bus = await connectEventBus({ transport: 'rabbitmq', url, exchange: names.exchange });
    answers = [];
    await bus.subscribe(
      { group: names.group('test.answers'), types: Object.values(inventoryEventTypes) },
      async (event) => void answers.push(event),
    );
    client = new (loadInventoryProto().commlab.inventory.v1.InventoryService)(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
    );
  });

  afterAll(async () => {
    client?.close();
    await bus?.close();
    // Leave nothing on the shared broker: this run's queues and exchanges.
    const names = serviceBusNames(namespace);
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    for (const group of ['inventory.stock-requests', 'test.answers']) {
      const { queue, deadLetterQueue } = rabbitMqNames(names.exchange, names.group(group));
      await channel.deleteQueue(queue);
      await channel.deleteQueue(deadLetterQueue);
    }
    await channel.deleteExchange(names.exchange);
    await channel.deleteExchange(rabbitMqNames(names.exchange, '').deadLetterExchange);
    await connection.close();
    await drop?.();
  });

  const stockOf = async (sku: string) =>
    (await call<GetStockResponse>((cb) => client.GetStock({ skus: [sku] }, cb))).reply!.items[0]!;

  it('answers a repeated Reserve and a redelivered order.placed as the first time, and can still release', async () => {
    const first = await startProcess(env);
    const reserved = await call<ReserveResponse>((cb) =>
      client.Reserve({ reservationId: 'restart-1', lines: [{ sku: 'MS-002', quantity: 3 }] }, cb),
    );
    expect(reserved.reply!.items).toEqual([{ sku: 'MS-002', name: 'Wireless mouse', available: 37, reserved: 3 }]);
    const placed = newEvent({
      source: '/commlab/order',
      type: 'commlab.order.placed.v1',
      subject: 'order-restart',
      data: {
        orderId: 'order-restart',
        customerId: 'c-1',
        status: 'pending',
        lines: [{ sku: 'CH-011', quantity: 5 }],
        createdAt: new Date().toISOString(),
      },
    });
    await bus.publish(placed);
    await vi.waitFor(() => expect(answers).toHaveLength(1), { timeout: 10_000 });
    await first.kill();

    const second = await startProcess(env);
    try {
      // What was reserved before the kill is still held, not re-seeded from the catalogue.
      expect(await stockOf('MS-002')).toMatchObject({ available: 37, reserved: 3 });
      expect(await stockOf('CH-011')).toMatchObject({ available: 0, reserved: 5 });
      const repeated = await call<ReserveResponse>((cb) =>
        client.Reserve({ reservationId: 'restart-1', lines: [{ sku: 'MS-002', quantity: 3 }] }, cb),
      );
      expect(repeated.error).toBeNull();
      expect(repeated.reply).toEqual(reserved.reply);

      // The broker hands the same event over again (its ack was lost in the crash, say).
      await bus.publish(placed);
      await vi.waitFor(() => expect(answers).toHaveLength(2), { timeout: 10_000 });
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[0]).toMatchObject({ id: 'reservation-order-restart', type: inventoryEventTypes.stockReserved });
      expect(await stockOf('CH-011')).toMatchObject({ available: 0, reserved: 5 });

      const released = await call<ReleaseResponse>((cb) => client.Release({ reservationId: 'restart-1' }, cb));
      expect(released.reply).toEqual({ reservationId: 'restart-1', released: true });
      expect(await stockOf('MS-002')).toMatchObject({ available: 40, reserved: 0 });
    } finally {
      await second.kill();
    }
  });
});
