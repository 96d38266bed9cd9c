// A bare fastify app: the baseline the project's HTTP services are held against, in the same
// run. No plugins, no schemas, no hooks beyond one log line per request (what the project's
// services log), pino JSON to stdout. Prints `listening on <port>` when ready.
//
//   PORT (0 = any free one), LOG_LEVEL (info), HTTP2=1 (cleartext HTTP/2),
//   SQLITE_FILE + SQLITE_QUERY: GET /sqlite/:id runs the query with the id (one row, as JSON)
//
// Routes: GET /hello, GET /stock?skus=A,B[&maxAge=S] (S: Cache-Control max-age), GET /sqlite/:id,
// GET /payload?bytes=N (a JSON page of orders, compressed per Accept-Encoding on every request:
// gzip, br, zstd), GET /slow?ms=N (answers after N ms),
// POST /stall?ms=N&for=M (every request arriving in the next M ms, default N, is held N ms: a
// dependency or lock that stalls), POST /pause?ms=N (answers, then blocks its event loop for
// N ms: a stop-the-world pause such as a long GC).
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';
import { compress, ordersJson, type Encoding } from './payload.ts';
import { stock } from './stock.ts';

const env = process.env;
const app = Fastify({
  logger: { level: env.LOG_LEVEL ?? 'info' },
  disableRequestLogging: true,
  ...(env.HTTP2 === '1' && { http2: true as const }),
} as { logger: { level: string }; disableRequestLogging: true });

app.addHook('onResponse', async (request, reply) => {
  request.log.info(
    { status: reply.statusCode, ms: reply.elapsedTime },
    `${request.method} ${request.url} ${reply.statusCode}`,
  );
});

let stalledUntil = 0;
let stallMs = 0;
app.addHook('onRequest', async () => {
  if (performance.now() < stalledUntil) await new Promise((resolve) => setTimeout(resolve, stallMs));
});

app.get('/hello', async () => ({ hello: 'world' }));

app.get<{ Querystring: { skus?: string; maxAge?: string } }>('/stock', async (request, reply) => {
  if (request.query.maxAge) reply.header('cache-control', `max-age=${Number(request.query.maxAge)}`);
  return { items: (request.query.skus?.split(',') ?? [...stock.keys()]).map((sku) => stock.get(sku)).filter(Boolean) };
});

const payloads = new Map<number, Buffer>();
app.get<{ Querystring: { bytes?: string } }>('/payload', async (request, reply) => {
  const bytes = Number(request.query.bytes ?? 1_000);
  let body = payloads.get(bytes);
  if (!body) payloads.set(bytes, (body = Buffer.from(ordersJson(bytes))));
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding = (['zstd', 'br', 'gzip'] as const).find((e) => accepted.includes(e)) ?? ('identity' as Encoding);
  reply.header('content-type', 'application/json').header('vary', 'accept-encoding');
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.send(compress(body, encoding));
});

if (env.SQLITE_FILE) {
  const db = new DatabaseSync(env.SQLITE_FILE, { readOnly: true });
  const query = db.prepare(env.SQLITE_QUERY ?? 'SELECT 1 WHERE ? IS NOT NULL');
  app.get<{ Params: { id: string } }>('/sqlite/:id', async (request, reply) => {
    const row = query.get(request.params.id);
    if (!row) return reply.code(404).send({ error: 'not found' });
    return row;
  });
}

app.get<{ Querystring: { ms?: string } }>('/slow', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 0)));
  return { slow: true };
});

app.post<{ Querystring: { ms?: string; for?: string } }>('/stall', async (request) => {
  stallMs = Number(request.query.ms ?? 1_000);
  stalledUntil = performance.now() + Number(request.query.for ?? stallMs);
  return { stalling: stallMs };
});

app.post<{ Querystring: { ms?: string } }>('/pause', async (request, reply) => {
  const ms = Number(request.query.ms ?? 1_000);
  reply.raw.once('finish', () => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  });
  return { pausing: ms };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
console.log(`bare fastify listening on ${new URL(address).port}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
