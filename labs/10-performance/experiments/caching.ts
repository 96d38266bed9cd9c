import { Redis } from 'ioredis';
import { Agent, interceptors } from 'undici';
import { closedLoop, openLoop, Report, type Experiment, type Send } from '@commlab/bench';
import { grpcInventoryDriver } from '@commlab/bench/drivers/grpc';
import { httpDriver } from '@commlab/bench/drivers/http';
import type { InventoryServiceClient, StockLevel } from '@commlab/contracts';
import { benchNamespace } from './brokers.ts';
import { placeOrder, startBareFastify } from './support.ts';

const skus = ['KB-001', 'MS-002', 'MN-003', 'HD-004', 'WC-005', 'DK-006', 'CB-007', 'LS-008'];

function getStock(client: InventoryServiceClient, sku: string): Promise<StockLevel> {
  return new Promise((resolve, reject) =>
    client.GetStock({ skus: [sku] }, (err, reply) => (err ? reject(err) : resolve(reply!.items[0]!))),
  );
}

/**
 * Cache-aside for stock reads: Redis first; on a miss, inventory over gRPC, then Redis keeps the
 * answer for `ttlSeconds`. The cache never hears of changes: a level may be up to that old.
 */
function cacheAside(redis: Redis, client: InventoryServiceClient, prefix: string, ttlSeconds: number) {
  let hits = 0;
  let misses = 0;
  return {
    read: async (sku: string): Promise<StockLevel> => {
      const cached = await redis.get(`${prefix}:${sku}`);
      if (cached) {
        hits++;
        return JSON.parse(cached) as StockLevel;
      }
      misses++;
      const level = await getStock(client, sku);
      await redis.set(`${prefix}:${sku}`, JSON.stringify(level), 'EX', ttlSeconds);
      return level;
    },
    get hitRatio() {
      return hits + misses === 0 ? 0 : hits / (hits + misses);
    },
  };
}

/** Experiment 8: HTTP caching (ETag/304, Cache-Control) and a Redis cache-aside for stock reads. */
export const caching: Experiment = {
  name: 'caching',
  title: '8. Caching: conditional requests, Cache-Control, and a Redis cache-aside',
  question: 'What does each kind of cache save, and how stale may its answers be?',
  async run(context) {
    const report = new Report('caching', this.title, { question: this.question, short: context.short });
    const durationMs = context.short ? 400 : 4_000;
    const warmupMs = context.short ? 100 : 1_000;

    // 1. ETag and If-None-Match on the order API (lab 03): a 304 still reads the order, but sends no body.
    const origin = context.url('order');
    const id = await placeOrder(origin);
    const etag = (await fetch(`${origin}/orders/${id}`)).headers.get('etag')!;
    const http = httpDriver(origin, { connections: 10 });
    try {
      // A fresh service is slow until its code is compiled: warm both paths before measuring either.
      context.progress('warming up the order service');
      for (const headers of [{}, { 'if-none-match': etag }] as Record<string, string>[]) {
        await closedLoop(http.send({ path: `/orders/${id}`, headers }), {
          concurrency: 10,
          durationMs: context.short ? 100 : 2_000,
        });
      }
      for (const [name, headers] of [
        ['GET /orders/:id → 200 with the order', {}],
        ['GET /orders/:id, If-None-Match → 304', { 'if-none-match': etag }],
      ] as const) {
        context.progress(`${name}: closed loop, 10 in flight`);
        const before = http.bytesRead;
        const run = await closedLoop(http.send({ path: `/orders/${id}`, headers }), {
          concurrency: 10,
          durationMs,
          warmupMs,
        });
        report.add(
          `${name} (${Math.round((http.bytesRead - before) / Math.max(1, run.sent)).toLocaleString('en-US')} B body)`,
          run,
        );
      }
    } finally {
      await http.close();
    }

    // 2. Cache-Control: max-age=1 and a caching client (undici's RFC 9111 cache): fresh answers never leave it.
    const bare = await startBareFastify(context, { LOG_LEVEL: 'info' }, 'bare-cache-control');
    const cachingClient = new Agent().compose(interceptors.cache());
    try {
      const url = `http://127.0.0.1:${bare.port}/stock?skus=KB-001&maxAge=1`;
      const rate = context.short ? 100 : 500;
      const linesBefore = bare.lines;
      context.progress(`Cache-Control max-age=1 through a caching client: ${rate}/s, open loop`);
      const run = await openLoop(
        async () => {
          const response = await cachingClient.request({
            origin: new URL(url).origin,
            path: '/stock?skus=KB-001&maxAge=1',
            method: 'GET',
          });
          await response.body.dump();
        },
        { rate, durationMs, warmupMs: 0 },
      );
      // The bare app logs one line per request it answers: the requests the cache let through.
      const reachedOrigin = bare.lines - linesBefore;
      report.add('GET /stock, Cache-Control max-age=1, caching client', run);
      report.table({
        title: 'Cache-Control: requests that reached the server',
        columns: ['sent', 'reached the server', 'answered by the client cache'],
        rows: [
          [run.sent, reachedOrigin, `${(((run.sent - reachedOrigin) / Math.max(1, run.sent)) * 100).toFixed(1)}%`],
        ],
      });
    } finally {
      await cachingClient.close();
      await bare.stop();
    }

    // 3. Redis cache-aside in front of inventory's GetStock.
    const redis = new Redis(context.infra.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const grpc = grpcInventoryDriver(context.addr('inventory'));
    const prefix = `${benchNamespace()}:stock`;
    const ttlSeconds = 1;
    try {
      const cache = cacheAside(redis, grpc.client, prefix, ttlSeconds);
      const rate = context.short ? 100 : 1_000;
      const sku = ({ seq }: { seq: number }) => skus[seq % skus.length]!;
      const direct: Send = (request) => getStock(grpc.client, sku(request));
      const cached: Send = (request) => cache.read(sku(request));
      context.progress(`stock reads straight from inventory (gRPC): ${rate}/s`);
      report.add(`stock read, inventory over gRPC @ ${rate}/s`, await openLoop(direct, { rate, durationMs, warmupMs }));
      context.progress(`stock reads through Redis (cache-aside, TTL ${ttlSeconds} s): ${rate}/s`);
      report.add(`stock read, Redis cache-aside @ ${rate}/s`, await openLoop(cached, { rate, durationMs, warmupMs }), {
        baseline: `stock read, inventory over gRPC @ ${rate}/s`,
      });

      // How stale: change a level behind the cache's back, and read until the cache shows it.
      const reservationId = `${prefix}-staleness`;
      const before = await cache.read('CB-007');
      await new Promise<void>((resolve, reject) =>
        grpc.client.Reserve({ reservationId, lines: [{ sku: 'CB-007', quantity: 1 }] }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
      const changedAt = performance.now();
      let staleReads = 0;
      while ((await cache.read('CB-007')).available === before.available && performance.now() - changedAt < 5_000) {
        staleReads++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const staleMs = performance.now() - changedAt;
      await new Promise<void>((resolve, reject) =>
        grpc.client.Release({ reservationId }, (err) => (err ? reject(err) : resolve())),
      );
      report.table({
        title: `Redis cache-aside (TTL ${ttlSeconds} s)`,
        columns: ['hit ratio', 'after a change, reads still stale', 'for'],
        rows: [[`${(cache.hitRatio * 100).toFixed(1)}%`, staleReads, `${staleMs.toFixed(0)} ms (at most the TTL)`]],
      });
    } finally {
      grpc.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    report.note(
      'A 304 saves the body and its serialisation, not the round trip or the read: the server still checks the ' +
        'version. max-age lets a client answer from its own cache with no request at all, for up to that long. ' +
        'Cache-aside takes reads off inventory but serves levels up to the TTL old; a reservation must still ask ' +
        'inventory itself (never trust a cached level for a decision).',
    );
    return report;
  },
};
