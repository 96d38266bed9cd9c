import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

/**
 * RFC 9457 problem details. `type` is a stable, relative URI (`/problems/<slug>`): the service
 * explains it at that path, and clients switch on it (never on `title` or `detail`).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';

/** One kind of problem a service answers with. Its slug (the key it is listed under) is a contract: never rename one. */
export interface ProblemType {
  status: number;
  title: string;
  /** What happened and what to do about it; served at /problems/<slug>. */
  description: string;
  /**
   * Headers every answer of this type carries, unless the reply set them already: `retry-after`
   * on a 503, `www-authenticate` (the challenge) on a 401, which RFC 9110 requires.
   */
  headers?: Record<string, string>;
}

/** What any fastify app can answer with, from fastify's own errors; every service has these. */
export const commonProblemTypes = {
  'malformed-json': { status: 400, title: 'Malformed JSON', description: 'The request body is not valid JSON.' },
  validation: {
    status: 400,
    title: 'Invalid request',
    description: 'The request does not match the schema; `errors` lists each problem with a JSON pointer.',
  },
  'not-found': { status: 404, title: 'Not found', description: 'No resource exists at this address.' },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    description: 'The request body exceeds the size limit.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the body as application/json.',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    description: 'This client sent more requests than its rate limit allows; wait as long as Retry-After says.',
  },
  internal: { status: 500, title: 'Internal error', description: 'Something unexpected failed; the log has details.' },
  'not-ready': {
    status: 503,
    title: 'Not ready',
    description: 'A dependency of the service does not answer; `checks` says which. Ask again later.',
  },
} satisfies Record<string, ProblemType>;

export type CommonProblemSlug = keyof typeof commonProblemTypes;

/**
 * A refusal, to throw from a route, a hook or a translation of a domain error; the error
 * handler answers it as problem+json. `extensions` go into the body after the standard members
 * (e.g. `subject`, or `errors: [{ pointer, detail }]`).
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly slug: string;
  readonly extensions: Record<string, unknown>;
  constructor(slug: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.slug = slug;
    this.extensions = extensions;
  }
}

/** Every problem type of one service: kit's common ones and its own. */
export interface ProblemCatalogue<Slug extends string = string> {
  readonly types: Readonly<Record<Slug | CommonProblemSlug, ProblemType>>;
  /** A problem of one of these types, to throw; the slug is checked by the compiler. */
  problem(slug: Slug | CommonProblemSlug, detail: string, extensions?: Record<string, unknown>): ProblemError;
}

/** A service lists only its own problem types; the common ones come with them. */
export function defineProblems<const Own extends Record<string, ProblemType>>(
  own: Own,
): ProblemCatalogue<Extract<keyof Own, string>> {
  const types = { ...commonProblemTypes, ...own };
  for (const [slug, type] of Object.entries<ProblemType>(types)) {
    const headers = Object.keys(type.headers ?? {});
    if (type.status === 401 && !headers.includes('www-authenticate')) {
      throw new Error(`problem type ${slug} is a 401: give it a www-authenticate header (RFC 9110 §15.5.2)`);
    }
  }
  return { types, problem: (slug, detail, extensions) => new ProblemError(slug, detail, extensions) };
}

export interface ProblemDetailsOptions {
  problems: ProblemCatalogue;
  /** The service's name, for the `detail` of an internal error ("see the order service log"). */
  service: string;
  /**
   * The service's own errors (domain refusals) as problems; undefined for an error it does not
   * know. `request` is there for what the translation logs (a caller that gave up, say).
   */
  translate?: (error: Error, request: FastifyRequest) => ProblemError | undefined;
}

/** A fastify error code and the problem type it is. */
const fastifyCodes: Record<string, CommonProblemSlug> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
};

/** An HTTP status a plugin set on its error (e.g. @fastify/rate-limit's 429) and the problem type it is. */
const fastifyStatuses: Record<number, CommonProblemSlug> = {
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/**
 * Problem details for a whole fastify app: one error handler that turns anything thrown (a
 * ProblemError, a domain error through `translate`, a schema validation failure, fastify's own
 * errors) into problem+json; a 404 problem for unknown routes; and GET /problems/<slug>
 * explaining each type. Internals never leak: an unknown error is logged and answered 500.
 */
export const problemDetails = fp<ProblemDetailsOptions>(
  async (app: FastifyInstance, { problems, service, translate }) => {
    const answer = (reply: FastifyReply, error: ProblemError) => {
      const type = problems.types[error.slug as CommonProblemSlug];
      if (!type) {
        reply.request.log.error({ err: error }, `no problem type ${error.slug}`);
        return sendProblem(reply, 'internal', commonProblemTypes.internal, `see the ${service} service log`);
      }
      return sendProblem(reply, error.slug, type, error.message, error.extensions);
    };

    app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
      const known = error instanceof ProblemError ? error : (translate?.(error, request) ?? fromFastify(error));
      if (known) return answer(reply, known);
      request.log.error({ err: error }, 'unhandled error');
      return answer(reply, new ProblemError('internal', `see the ${service} service log`));
    });
    app.setNotFoundHandler((request, reply) =>
      answer(reply, new ProblemError('not-found', `no route for ${request.method} ${request.url}`)),
    );
    // Documentation of the errors, not API: kept out of the OpenAPI document where @fastify/swagger is registered.
    const hide = { schema: { hide: true } as FastifySchema };
    app.get<{ Params: { slug: string } }>('/problems/:slug', hide, async (request, reply) => {
      const { slug } = request.params;
      const type = Object.hasOwn(problems.types, slug) ? problems.types[slug as CommonProblemSlug] : undefined;
      if (!type) return answer(reply, new ProblemError('not-found', `no problem type ${slug}`));
      return { type: `/problems/${slug}`, status: type.status, title: type.title, description: type.description };
    });
  },
  { name: '@commlab/kit/problem-details', fastify: '5.x' },
);

/**
 * Sends one problem: the standard members first, then the extensions. For the rare answer
 * made outside the error handler (e.g. /readyz, registered where the plugin may not be).
 */
export function sendProblem(
  reply: FastifyReply,
  slug: string,
  type: ProblemType,
  detail: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(type.headers ?? {})) {
    if (!reply.hasHeader(name)) reply.header(name, value);
  }
  const body: Problem = {
    type: `/problems/${slug}`,
    title: type.title,
    status: type.status,
    detail,
    instance: reply.request.url,
    ...extensions,
  };
  return reply.code(type.status).type(problemContentType).send(body);
}

/** Fastify's own errors, and errors plugins raise with a status code, as the common types. */
function fromFastify(error: FastifyError | Error): ProblemError | undefined {
  const { validation, validationContext, code, statusCode } = error as FastifyError;
  if (validation) {
    const errors = validation.map((issue) => ({
      pointer: `${validationContext === 'body' ? '#' : `#/${validationContext}`}${issue.instancePath}`,
      detail: describe(issue),
    }));
    return new ProblemError('validation', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  }
  const slug = (code && fastifyCodes[code]) || (statusCode && fastifyStatuses[statusCode]);
  if (slug) return new ProblemError(slug, error.message);
  // Any other client error fastify raises (a malformed URL, a bad header) is an invalid request.
  if (statusCode && statusCode >= 400 && statusCode < 500) return new ProblemError('validation', error.message);
  return undefined;
}

/** One schema violation in words a client can act on. */
function describe(issue: NonNullable<FastifyError['validation']>[number]): string {
  const params = issue.params as Record<string, unknown>;
  if (issue.keyword === 'additionalProperties') return `unknown field "${String(params.additionalProperty)}"`;
  if (issue.keyword === 'required') return `missing field "${String(params.missingProperty)}"`;
  // A pattern says little to a reader; its schema's description (ajv `verbose`) says what is expected.
  const description = (issue as { parentSchema?: { description?: string } }).parentSchema?.description;
  if (issue.keyword === 'pattern' && description) return `must be ${description}`;
  return issue.message ?? issue.keyword;
}
