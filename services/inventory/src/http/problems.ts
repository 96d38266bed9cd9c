import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemContentType, type Problem } from '@commlab/kit';
import { StockError, type StockErrorReason } from '../domain/errors.ts';

/** The problem types of inventory's REST edge; slugs are a contract, like order's. */
const types = {
  validation: [400, 'Invalid request'],
  'malformed-json': [400, 'Malformed JSON'],
  'not-found': [404, 'Not found'],
  'payload-too-large': [413, 'Payload too large'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'unknown-sku': [422, 'Unknown SKU'],
  'insufficient-stock': [409, 'Insufficient stock'],
  'reservation-conflict': [409, 'Reservation conflict'],
  'reservation-released': [409, 'Reservation released'],
  'caller-gave-up': [503, 'Caller gave up'],
  internal: [500, 'Internal error'],
} as const;
type Slug = keyof typeof types;

const slugFor: Record<StockErrorReason, Slug> = {
  INVALID_ARGUMENT: 'validation',
  UNKNOWN_SKU: 'unknown-sku',
  INSUFFICIENT_STOCK: 'insufficient-stock',
  RESERVATION_CONFLICT: 'reservation-conflict',
  RESERVATION_RELEASED: 'reservation-released',
};

const fastifyCodes: Record<string, Slug> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
};

export function problem(slug: Slug, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const [status, title] = types[slug];
  return { type: `/problems/${slug}`, title, status, detail, ...extensions };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(problemContentType).send(body);
}

/** Domain refusals keep their words (`detail`, `subject`), so every transport says the same thing. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const instance = request.url;
  if (error instanceof StockError) {
    return sendProblem(
      reply,
      problem(slugFor[error.reason], error.message, { instance, ...(error.subject && { subject: error.subject }) }),
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return sendProblem(reply, problem('validation', error.message, { instance }));
  const slug = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (slug) return sendProblem(reply, problem(slug, error.message, { instance }));
  if (error.name === 'AbortError') {
    request.log.info(`${request.method} ${request.url} stopped: the caller gave up`);
    return sendProblem(reply, problem('caller-gave-up', 'stopped: the caller gave up'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problem('internal', 'see the inventory service log', { instance }));
}
