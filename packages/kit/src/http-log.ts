interface Request {
  method: string;
  url: string;
  log: { info(obj: object, msg: string): void };
}
interface Reply {
  statusCode: number;
  elapsedTime: number;
}

const quiet = new Set(['/healthz', '/readyz']);

/**
 * One short line per request ("POST /orders 201 12ms") instead of fastify's two verbose ones;
 * health probes, which the runner and Compose send every few seconds, are not logged.
 * Register with `disableRequestLogging: true` and `app.addHook('onResponse', logResponse)`.
 */
export async function logResponse(request: Request, reply: Reply): Promise<void> {
  if (quiet.has(request.url)) return;
  request.log.info(
    { status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
    `${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`,
  );
}
