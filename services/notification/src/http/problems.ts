import type { FastifyReply } from 'fastify';
import { problemContentType } from '@commlab/kit';

/** The notification service's problem types (RFC 9457); the slugs are a contract. */
export const problemTypes = {
  unauthorized: { status: 401, title: 'Unauthorized' },
  'forbidden-origin': { status: 403, title: 'Origin not allowed' },
  validation: { status: 400, title: 'Invalid request' },
  'not-found': { status: 404, title: 'Not found' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ProblemSlug = keyof typeof problemTypes;

export function sendProblem(reply: FastifyReply, slug: ProblemSlug, detail: string): FastifyReply {
  const { status, title } = problemTypes[slug];
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="commlab-notification"');
  return reply
    .code(status)
    .type(problemContentType)
    .send({ type: `/problems/${slug}`, title, status, detail, instance: reply.request.url.split('?')[0] });
}
