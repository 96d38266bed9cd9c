import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryProto } from '@commlab/contracts';
import { probe } from '@commlab/kit';
import { freePort } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function startOrderProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, LOG_FORMAT: 'json', DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-order-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe('order service process', () => {
  // An inventory stand-in that takes 1.5 s to answer Reserve, so a request is in flight at shutdown.
  let inventory: Server;
  let inventoryPort: number;
  beforeAll(async () => {
    inventory = new Server();
    inventory.addService(loadInventoryProto().commlab.inventory.v1.InventoryService.service, {
      GetStock: (_call: unknown, cb: (e: null, r: object) => void) => cb(null, { items: [] }),
      Reserve: (call: { request: { reservationId: string } }, cb: (e: null, r: object) => void) =>
        setTimeout(() => cb(null, { reservationId: call.request.reservationId, items: [] }), 1_500),
      Release: (_call: unknown, cb: (e: null, r: object) => void) => cb(null, { released: false }),
    });
    inventoryPort = await new Promise<number>((resolve, reject) =>
      inventory.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  });
  afterAll(() => inventory?.forceShutdown());

  it('refuses to start on a bad variable, naming it, with exit code 2', async () => {
    const order = startOrderProcess({ PORT: 'eighty' });
    expect(await order.exited).toBe(2);
    expect(order.output()).toMatch(/PORT: .*\(got "eighty"\)/);
  });

  it('refuses settings that do not go together (async checkout without a bus), naming them, with exit code 2', async () => {
    const order = startOrderProcess({ CHECKOUT_MODE: 'async', EVENT_BUS: 'none' });
    expect(await order.exited).toBe(2);
    expect(order.output()).toMatch(/CHECKOUT_MODE: async checkout needs an event bus/);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const port = await freePort();
    // Deadlines far beyond the stand-in's 1.5 s: this test is about shutdown, and a busy machine must not turn it into a 504.
    const order = startOrderProcess({
      PORT: String(port),
      INVENTORY_ADDR: `127.0.0.1:${inventoryPort}`,
      INVENTORY_DEADLINE_MS: '20000',
    });
    for (let i = 0; ; i++) {
      try {
        await probe(`http://127.0.0.1:${port}/healthz`, 500);
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const inFlight = fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-1', lines: [{ sku: 'KB-001', quantity: 1 }] }),
    });
    await new Promise((r) => setTimeout(r, 300));
    order.child.kill('SIGTERM');

    expect((await inFlight).status).toBe(201);
    expect(await order.exited, order.output()).toBe(0);
    expect(order.output()).toMatch(/shutting down/);
  });
});
