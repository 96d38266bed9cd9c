import Type, { type TSchema } from 'typebox';

/**
 * The REST contract, shared by both API versions. These schemas validate requests, serialize
 * responses and feed /openapi.json (response headers included).
 */
export const OrderLine = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{0,31}$', description: 'catalogue SKU, e.g. KB-001' }),
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const OrderLines = Type.Array(OrderLine, { minItems: 1, maxItems: 100 });

export const CustomerId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._@-]+$',
  description: '1-64 letters, digits or ._@-',
});

export const OrderStatus = Type.Enum(['pending', 'confirmed', 'rejected', 'cancelled'], {
  description: 'one of pending, confirmed, rejected, cancelled',
});

export const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Every page of one listing: the same filters; `cursor` says where the page starts. */
export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: "a page's `next`, passed back unchanged" })),
    status: Type.Optional(OrderStatus),
    customerId: Type.Optional(CustomerId),
  },
  { additionalProperties: false },
);

const entityTags = String.raw`^\s*(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)\s*$`;
const tagListHeader = (description: string) =>
  Type.Optional(Type.String({ maxLength: 1024, pattern: entityTags, description }));

export const ReadHeaders = Type.Object({
  'if-none-match': tagListHeader('an ETag you hold, quotes included (e.g. "v2"): 304 while it is still current'),
});

export const ChangeHeaders = Type.Object({
  'if-match': tagListHeader(
    'the ETag you read, quotes included (e.g. "v2"), or *: the change applies only while it is current, else 412',
  ),
});

export const PlaceHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: String.raw`^([\x21\x23-\x5b\x5d-\x7e]{1,64}|"[\x21\x23-\x5b\x5d-\x7e]{1,64}")$`,
      description: 'a key of your own for this order, 1-64 visible characters (e.g. a UUID), bare or quoted',
    }),
  ),
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);

/** Response headers, documented in the OpenAPI document (and checked against it by the lab's tests). */
export const headers = {
  etag: Type.String({ pattern: '^"v[0-9]+"$', description: "the order's version as a strong entity tag" }),
  location: Type.String({ description: 'where the new order lives' }),
  link: Type.String({ description: 'RFC 8288 links: first and next page; successor-version on v1' }),
  idempotentReplayed: Type.Literal('true', { description: 'present when this is the answer to an earlier request' }),
  retryAfter: Type.String({ pattern: '^[0-9]+$', description: 'seconds to wait before trying again' }),
  deprecation: Type.String({ pattern: '^@[0-9]+$', description: 'RFC 9745: deprecated since (Unix time)' }),
  sunset: Type.String({ description: 'RFC 8594: the HTTP date after which this version may stop answering' }),
};

/** Headers every v1 response carries: the version is deprecated and has a successor. */
export const v1Headers = { deprecation: headers.deprecation, sunset: headers.sunset, link: headers.link };

/** Headers a success response may carry, by its status: ok(…) builds its documentation. */
export function ok(schema: TSchema, description: string, responseHeaders: Record<string, TSchema> = {}) {
  return { description, headers: responseHeaders, content: { 'application/json': { schema } } };
}

type ProblemResponse = ReturnType<typeof problemResponse>;

const problemResponse = (description: string, extra: Record<string, TSchema> = {}) => ({
  description,
  headers: extra,
  content: { 'application/problem+json': { schema: Problem } },
});

const problemResponses = {
  400: problemResponse('malformed JSON; wrong types, unknown or missing fields; malformed header; bad cursor'),
  404: problemResponse('no such order'),
  409: problemResponse('insufficient stock; or a change the order state machine does not allow'),
  412: problemResponse("If-Match no longer names the order's current version: read it again"),
  413: problemResponse('body larger than the limit'),
  415: problemResponse('body is not application/json'),
  422: problemResponse('unknown SKU; or an Idempotency-Key used before for a different order'),
  428: problemResponse('this change needs If-Match'),
  429: problemResponse('too many requests from this client; see Retry-After', { 'retry-after': headers.retryAfter }),
  503: problemResponse('inventory unreachable, or order shedding load; see Retry-After', {
    'retry-after': headers.retryAfter,
  }),
  504: problemResponse('inventory did not answer within the deadline'),
};

/** The problem answers a route documents, by status; none named: every one. */
export function problems(...statuses: (keyof typeof problemResponses)[]): Record<number, ProblemResponse> {
  if (statuses.length === 0) return problemResponses;
  return Object.fromEntries(statuses.map((status) => [status, problemResponses[status]]));
}

/** The same responses, each also documenting `extra` headers (v1's deprecation headers). */
export function alsoWith<R extends Record<number, { headers: Record<string, TSchema> }>>(
  extra: Record<string, TSchema>,
  responses: R,
): R {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...response.headers, ...extra } },
    ]),
  ) as R;
}

export const notModified = {
  description: 'your copy (If-None-Match) is current; no body',
  type: 'null',
  headers: { etag: headers.etag },
};
