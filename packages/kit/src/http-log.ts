import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const quiet = new Set(['/healthz', '/readyz']);

/**
 * One short line per request ("POST /orders 201 12ms") instead of fastify's two verbose
 * ones. Health probes, which the runner and Compose send every few seconds, are not logged.
 * Use: Fastify({ logController: new CompactRequestLog() }).
 */
export class CompactRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (quiet.has(request.url) && !error) return;
    const ms = Math.round(reply.elapsedTime);
    request.log.info({ status: reply.statusCode, ms }, `${request.method} ${request.url} ${reply.statusCode} ${ms}ms`);
  }
}
