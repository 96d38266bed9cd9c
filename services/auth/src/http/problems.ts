import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { problemContentType } from '@commlab/kit';

/** The problem types this service answers with; each is explained at /problems/<slug>. */
export const problemTypes = {
  'not-found': { title: 'Not found', status: 404 },
  'rotation-pending': { title: 'A key rotation is already in progress', status: 409 },
  unauthenticated: { title: 'Missing or invalid access token', status: 401 },
  'insufficient-scope': { title: 'Access token lacks a required scope', status: 403 },
  'invalid-authorization-header': { title: 'Malformed Authorization header', status: 400 },
  'token-keys-unavailable': { title: 'Cannot check access tokens right now', status: 503 },
  'interaction-expired': { title: 'The sign-in took too long or was already used; start again', status: 400 },
} as const;

export type ProblemSlug = keyof typeof problemTypes;

export function sendProblem(reply: FastifyReply, slug: ProblemSlug, detail: string) {
  const { title, status } = problemTypes[slug];
  return reply
    .code(status)
    .type(problemContentType)
    .send({ type: `/problems/${slug}`, title, status, detail });
}

export const problemRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { slug: string } }>('/problems/:slug', async (request, reply) => {
    const slug = request.params.slug as ProblemSlug;
    if (!Object.hasOwn(problemTypes, slug))
      return sendProblem(reply, 'not-found', `no problem type ${request.params.slug}`);
    return { type: `/problems/${slug}`, ...problemTypes[slug] };
  });
};
