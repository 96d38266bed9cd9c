import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { loadInventoryProto, type StockLevel } from '@commlab/contracts';
import { loadConfig, probe } from '@commlab/kit';
import { freePort, freshPostgresDatabase, openApiChecker } from '@commlab/testkit';
import { OrderConfig } from '../src/config.ts';
import { buildService, type OrderService } from '../src/service.ts';

export type { OrderService };

export { freePort };

/**
 * The real inventory service, as its own process (services talk over the wire, never by
 * import); `env` adds configuration such as THRIFT_PORT or RESERVE_DELAY_MS.
 */
export async function startInventoryProcess(env: Record<string, string> = {}) {
  const port = await freePort();
  const main = fileURLToPath(new URL('../../inventory/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, [main], {
    // Its own data folder: inventory keeps its stock across restarts, and each test starts from the catalogue.
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-inventory-')),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: 'inherit',
  });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await probe(`grpc://${address}`, 500);
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Each database the order service supports, created empty for one test file: `env` points
 * the service at it (ORDER_DB_FILE or DATABASE_URL), so services built with it share it, as a
 * restarted service would.
 */
export const stores: {
  name: string;
  open: () => Promise<{ env: Record<string, string>; drop: () => Promise<void> }>;
}[] = [
  {
    name: 'SQLite',
    open: async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'commlab-order-')), 'orders.sqlite');
      return { env: { ORDER_DB_FILE: file }, drop: async () => {} };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await freshPostgresDatabase();
      return { env: { DATABASE_URL: db.url }, drop: db.drop };
    },
  },
];

/**
 * The order service as main.ts builds it (buildService), configured by `env` over the
 * defaults — never the test runner's own environment — and used in process (`app.inject`, no
 * port). `close()` closes it all, its store included.
 */
export function orderService(env: Record<string, string>): Promise<OrderService> {
  return buildService(loadConfig(OrderConfig, env), { logger: pino({ level: 'silent' }) });
}

/** Reads stock levels straight from inventory over gRPC, to see what an order reserved or released. */
export function stockReader(address: string) {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const client = new InventoryService(address, credentials.createInsecure());
  return {
    of: (sku: string) =>
      new Promise<StockLevel>((resolve, reject) =>
        client.GetStock({ skus: [sku] }, (err, reply) => (err ? reject(err) : resolve(reply!.items[0]!))),
      ),
    close: () => client.close(),
  };
}

export interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: string | object;
}

/** app.inject, failing the test on any response that its own /openapi.json does not describe. */
export async function contractChecked(app: FastifyInstance): Promise<(call: Call) => Promise<LightMyRequestResponse>> {
  const check = openApiChecker((await app.inject({ url: '/openapi.json' })).json());
  return async (call) => {
    const response = await app.inject(call);
    const { statusCode: status, headers, body } = response;
    expect(check({ method: call.method ?? 'GET', url: call.url, status, headers, body })).toEqual([]);
    return response;
  };
}
