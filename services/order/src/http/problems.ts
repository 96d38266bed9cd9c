import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemContentType, type Problem } from '@commlab/kit';
import { OrderError, type OrderErrorReason } from '../domain/errors.ts';

interface ProblemType {
  status: number;
  title: string;
  /** Served at /problems/<slug> so the `type` URI explains itself. */
  description: string;
}

/** Every problem type this API can answer with. The slugs are a contract: never rename one. */
export const problemTypes = {
  'malformed-json': { status: 400, title: 'Malformed JSON', description: 'The request body is not valid JSON.' },
  validation: {
    status: 400,
    title: 'Invalid request',
    description: 'The request does not match the schema; `errors` lists each problem with a JSON pointer.',
  },
  'invalid-cursor': {
    status: 400,
    title: 'Invalid cursor',
    description: 'Pass back a cursor exactly as a previous page gave it.',
  },
  'not-found': { status: 404, title: 'Not found', description: 'No resource exists at this address.' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the body as application/json.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    description: 'The request body exceeds the size limit.',
  },
  'unknown-sku': { status: 422, title: 'Unknown SKU', description: 'A line names a SKU the catalogue does not have.' },
  'order-not-cancellable': {
    status: 409,
    title: 'Order not cancellable',
    description: 'Only a pending or confirmed order can be cancelled; this one was rejected.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    description: 'If-Match names a version the order is no longer at; read it again (GET) and decide again.',
  },
  'precondition-required': {
    status: 428,
    title: 'Precondition required',
    description: 'This change needs If-Match with the ETag you read, so it cannot overwrite a change you never saw.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    description: 'This Idempotency-Key was used for a different request; a new order needs a new key.',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    description: 'This client sent more requests than its rate limit allows; wait as long as Retry-After says.',
  },
  'insufficient-stock': {
    status: 409,
    title: 'Insufficient stock',
    description: 'Not enough stock for a line; nothing was reserved and no order was created.',
  },
  'inventory-unavailable': {
    status: 503,
    title: 'Inventory unavailable',
    description: 'Inventory could not be reached; nothing was created. Retry after the Retry-After delay.',
  },
  'inventory-timeout': {
    status: 504,
    title: 'Inventory timed out',
    description: 'Inventory did not answer within the deadline; any reservation was released and nothing was created.',
  },
  internal: { status: 500, title: 'Internal error', description: 'Something unexpected failed; the log has details.' },
} satisfies Record<string, ProblemType>;

export type ProblemSlug = keyof typeof problemTypes;

const slugFor: Record<OrderErrorReason, ProblemSlug> = {
  ORDER_NOT_FOUND: 'not-found',
  INVALID_ORDER: 'validation',
  INVALID_CURSOR: 'invalid-cursor',
  UNKNOWN_SKU: 'unknown-sku',
  INSUFFICIENT_STOCK: 'insufficient-stock',
  INVENTORY_UNAVAILABLE: 'inventory-unavailable',
  INVENTORY_TIMEOUT: 'inventory-timeout',
  ORDER_NOT_CANCELLABLE: 'order-not-cancellable',
  VERSION_MISMATCH: 'precondition-failed',
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
};

/** A refusal decided at the HTTP edge (a header rule, not a domain rule). */
export class HttpProblem extends Error {
  readonly slug: ProblemSlug;
  readonly pointer: string | undefined;
  constructor(slug: ProblemSlug, detail: string, pointer?: string) {
    super(detail);
    this.slug = slug;
    this.pointer = pointer;
  }
}

const fastifyCodes: Record<string, ProblemSlug> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-json',
};

export function problem(slug: ProblemSlug, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const { status, title } = problemTypes[slug];
  return { type: `/problems/${slug}`, title, status, detail, ...extensions };
}

export const retryAfterSeconds = 5;

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 503) reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(body.status).type(problemContentType).send(body);
}

/** Turns anything thrown in a route into problem+json; the reason is logged, internals never leak. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, toProblem(error, request));
}

function toProblem(error: FastifyError | Error, request: FastifyRequest): Problem {
  const instance = request.url;
  if (error instanceof OrderError) {
    return problem(slugFor[error.reason], error.message, {
      instance,
      ...(error.subject && { subject: error.subject }),
    });
  }
  if (error instanceof HttpProblem) {
    const pointer = error.pointer && { errors: [{ pointer: error.pointer, detail: error.message }] };
    return problem(error.slug, error.message, { instance, ...pointer });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 429) return problem('too-many-requests', error.message, { instance });
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((issue) => ({
      pointer: `${fastifyError.validationContext === 'body' ? '#' : `#/${fastifyError.validationContext}`}${issue.instancePath}`,
      detail: describe(issue),
    }));
    return problem('validation', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { instance, errors });
  }
  const slug = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (slug) return problem(slug, error.message, { instance });
  if (fastifyError.statusCode === 404) return problem('not-found', error.message, { instance });
  request.log.error({ err: error }, 'unhandled error');
  return problem('internal', 'see the order service log', { instance });
}

function describe(issue: NonNullable<FastifyError['validation']>[number]): string {
  const params = issue.params as Record<string, unknown>;
  if (issue.keyword === 'additionalProperties') return `unknown field "${String(params.additionalProperty)}"`;
  if (issue.keyword === 'required') return `missing field "${String(params.missingProperty)}"`;
  // A pattern says little to a reader; its schema's description says what is expected.
  const description = (issue as { parentSchema?: { description?: string } }).parentSchema?.description;
  if (issue.keyword === 'pattern' && description) return `must be ${description}`;
  return issue.message ?? issue.keyword;
}
