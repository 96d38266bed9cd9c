import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestTimeoutFrom, requestTimeoutHeader } from '@commlab/kit';
import { StockError } from '../domain/errors.ts';

/**
 * Aborts when the caller stops waiting: its connection closed before the answer, or its
 * `Request-Timeout` passed. The REST twin of a gRPC call's deadline and cancellation, built by
 * hand because HTTP/1.1 has neither.
 */
export function callerSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  let timeoutMs: number | undefined;
  try {
    timeoutMs = requestTimeoutFrom(request.headers[requestTimeoutHeader]);
  } catch (err) {
    throw new StockError('INVALID_ARGUMENT', (err as Error).message, requestTimeoutHeader);
  }
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the caller closed the connection'));
  });
  return timeoutMs === undefined
    ? controller.signal
    : AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]);
}
