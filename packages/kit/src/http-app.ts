import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import { drainOnClose } from './http-drain.ts';
import { CompactRequestLog } from './http-log.ts';
import type { Logger } from './logger.ts';
import { problemDetails, type ProblemDetailsOptions } from './problem-details.ts';

export interface ServiceHttpAppOptions extends Pick<FastifyServerOptions, 'bodyLimit' | 'genReqId' | 'serverFactory'> {
  logger: Logger;
  /** The service's problem types (and how its own errors map to them); without, fastify's default errors. */
  problems?: ProblemDetailsOptions;
  /** The log field that carries the request id (fastify's default: reqId). */
  requestIdLogLabel?: string;
  /** Ajv options beyond not dropping unknown properties (e.g. no type coercion). */
  ajv?: Record<string, unknown>;
}

/**
 * A service's Fastify app, built the same way in every service: the service's logger with one
 * short line per request, 503 for requests that arrive while it closes and a drain of those in
 * flight, an unknown query parameter reported instead of silently dropped, and problem+json for
 * every error. The service adds its routes; it never listens here.
 */
export async function serviceHttpApp({ logger, problems, requestIdLogLabel, ajv, ...options }: ServiceHttpAppOptions) {
  const app = Fastify({
    ...options,
    loggerInstance: logger as FastifyBaseLogger,
    return503OnClosing: true,
    logController: new CompactRequestLog(requestIdLogLabel ? { requestIdLogLabel } : undefined),
    ajv: { customOptions: { removeAdditional: false, ...ajv } },
  });
  drainOnClose(app);
  if (problems) await app.register(problemDetails, problems);
  return app;
}
