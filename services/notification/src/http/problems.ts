import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemContentType } from '@commlab/kit';

/** Errors as RFC 9457 problem details, like every commlab HTTP service. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const send = (status: number, type: string, title: string, detail: string) =>
    reply.code(status).type(problemContentType).send({ type, title, status, detail, instance: request.url });
  if (error.validation) {
    const detail = error.validation.map((issue) => `${error.validationContext}${issue.instancePath} ${issue.message}`);
    return send(400, '/problems/validation', 'Invalid request', detail.join('; '));
  }
  if (error.statusCode === 404) return send(404, '/problems/not-found', 'Not found', error.message);
  request.log.error({ err: error }, 'unhandled error');
  return send(500, '/problems/internal', 'Internal error', 'see the notification service log');
}
