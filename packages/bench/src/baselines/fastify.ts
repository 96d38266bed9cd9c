// A bare fastify app: the baseline the project's HTTP services are held against, in the same
// run. No plugins, no schemas, no hooks beyond one log line per request (what the project's
// services log), pino JSON to stdout. Prints `listening on <port>` when ready.
//
//   PORT (0 = any free one), LOG_LEVEL (info), HTTP2=1 (cleartext HTTP/2),
//   SQLITE_FILE + SQLITE_QUERY: GET /sqlite/:id runs the query with the id (one row, as JSON)
//
// Routes: GET /hello, GET /stock?skus=A,B, GET /sqlite/:id, GET /slow?ms=N (answers after N ms),
// POST /stall?ms=N&for=M (every request arriving in the next M ms, default N, is held N ms: a
// dependency or lock that stalls), POST /pause?ms=N (answers, then blocks its event loop for
// N ms: a stop-the-world pause such as a long GC).
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';
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

app.get<{ Querystring: { skus?: string } }>('/stock', async (request) => ({
  items: (request.query.skus?.split(',') ?? [...stock.keys()]).map((sku) => stock.get(sku)).filter(Boolean),
}));

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
