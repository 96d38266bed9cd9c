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
import { probe } from '@commlab/kit';
import { freePort, freshPostgresDatabase, openApiChecker } from '@commlab/testkit';
import { createApp } from '../src/app.ts';
import { OrderLifecycle } from '../src/domain/order-lifecycle.ts';
import { Orders } from '../src/domain/orders.ts';
import type { OrderStoreWithEvents } from '../src/domain/event-ports.ts';
import type { InventoryEdge } from '../src/inventory/edge.ts';
import { grpcInventory } from '../src/inventory/grpc-reservations.ts';
import { withinRequestBudget } from '../src/inventory/request-budget.ts';
import { postgresOrderStore } from '../src/store/postgres-store.ts';
import { sqliteOrderStore } from '../src/store/sqlite-store.ts';

export { freePort };

/**
 * The real inventory service, as its own process (services talk over the wire, never by
 * import); `env` adds configuration such as THRIFT_PORT or RESERVE_DELAY_MS.
 */
export async function startInventoryProcess(env: Record<string, string> = {}) {
  const port = await freePort();
  const main = fileURLToPath(new URL('../../inventory/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
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
 * Each store the order service supports, created empty for one test file. `reopen` opens the
 * same database again, as a restarted service would.
 */
export const stores: {
  name: string;
  open: () => Promise<{
    store: OrderStoreWithEvents;
    reopen: () => Promise<OrderStoreWithEvents>;
    drop: () => Promise<void>;
  }>;
}[] = [
  {
    name: 'SQLite',
    open: async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'commlab-order-')), 'orders.sqlite');
      return { store: sqliteOrderStore(file), reopen: async () => sqliteOrderStore(file), drop: async () => {} };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await freshPostgresDatabase();
      return { store: await postgresOrderStore(db.url), reopen: () => postgresOrderStore(db.url), drop: db.drop };
    },
  },
];

/**
 * The order API in process (app.inject, no port), wired as main.ts wires it to a real
 * inventory with no event bus: over gRPC at `inventoryAddr`, or over the edge given.
 */
export async function buildOrderApp(options: {
  store: OrderStoreWithEvents;
  inventoryAddr?: string;
  inventory?: InventoryEdge;
  deadlineMs?: number;
  budgetMs?: number;
  rateLimitPerMinute?: number;
}) {
  const inventory = options.inventory ?? grpcInventory(options.inventoryAddr!);
  const reserveTimeoutMs = options.deadlineMs ?? 2_000;
  const orders = new Orders({ store: options.store, stock: withinRequestBudget(inventory), reserveTimeoutMs });
  const lifecycle = new OrderLifecycle({
    store: options.store,
    directRelease: { stock: inventory, timeoutMs: reserveTimeoutMs },
  });
  const app = await createApp(
    {
      BODY_LIMIT_BYTES: 1_048_576,
      REQUEST_BUDGET_MS: options.budgetMs ?? 10_000,
      RATE_LIMIT_PER_MINUTE: options.rateLimitPerMinute ?? 0,
    },
    {
      orders,
      lifecycle,
      readiness: [{ name: 'order store', check: options.store.ping }],
      logger: pino({ level: 'silent' }),
    },
  );
  app.addHook('onClose', async () => inventory.close());
  return app;
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
