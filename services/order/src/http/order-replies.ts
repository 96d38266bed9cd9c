import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Order, OrderQuery } from '../domain/order.ts';
import type { Placed } from '../domain/orders.ts';
import { etagOf, noneMatch, parseTagList, versionsIn } from './conditional.ts';
import { orderProblems } from './problems.ts';

/** What both API versions answer the same way; only the representation differs. */

/** 201 (202 while pending) with Location and ETag; a replay says so, and is otherwise identical. */
export function placedReply<T>(reply: FastifyReply, { order, replayed }: Placed, location: string, body: T): T {
  reply
    .code(order.status === 'pending' ? 202 : 201)
    .header('location', location)
    .header('etag', etagOf(order));
  if (replayed) reply.header('idempotent-replayed', 'true');
  return body;
}

/** The order with its ETag, or 304 with no body when the caller's If-None-Match still holds. */
export function readReply<T>(request: FastifyRequest, reply: FastifyReply, order: Order, body: T): T | FastifyReply {
  reply.header('etag', etagOf(order));
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && !noneMatch(parseTagList(ifNoneMatch), order)) return reply.code(304).send();
  return body;
}

/** The versions If-Match accepts (undefined: no condition). The route schema checked the syntax. */
export function ifMatch(request: FastifyRequest, { required }: { required: boolean }): number[] | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) {
    if (!required) return undefined;
    const detail = 'send If-Match with the ETag of the order as you read it (GET it first)';
    throw orderProblems.problem('precondition-required', detail, {
      errors: [{ pointer: '#/headers/if-match', detail }],
    });
  }
  return versionsIn(parseTagList(header));
}

/** The key as the client chose it; the draft standard sends it as a quoted string, many clients bare. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string') return undefined;
  return header.startsWith('"') ? header.slice(1, -1) : header;
}

/** RFC 8288 links of a listing: its first page, and the next one; every filter stays in both. */
export function pageLinks(path: string, query: OrderQuery, next: string | undefined): string {
  const url = (cursor?: string) => {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.status) params.set('status', query.status);
    if (query.customerId) params.set('customerId', query.customerId);
    if (cursor) params.set('cursor', cursor);
    return `${path}?${params}`;
  };
  const links = [`<${url()}>; rel="first"`];
  if (next) links.push(`<${url(next)}>; rel="next"`);
  return links.join(', ');
}
