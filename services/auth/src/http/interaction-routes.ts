import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { errors, type default as Provider } from 'oidc-provider';
import type { Registry } from '../registry.ts';
import { loginPage } from './login-page.ts';
import { sendProblem } from './problems.ts';

interface Options {
  provider: () => Provider;
  users: Registry['users'];
}

const LoginForm = {
  type: 'object',
  required: ['username', 'password'],
  properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
} as const;

/**
 * The sign-in step of the authorization code flow. oidc-provider sends the browser here with
 * an interaction id; after a good password it sends it back with the account, and the
 * provider issues the code. There is no consent step: every client is first-party (see
 * loadExistingGrant in oauth/provider.ts).
 */
export const interactionRoutes: FastifyPluginAsync<Options> = async (app, { provider, users }) => {
  const noStore = async (_request: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
  };
  app.addHook('onRequest', noStore);
  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof errors.SessionNotFound) return sendProblem(reply, 'interaction-expired', err.message);
    return reply.send(err);
  });

  const page = async (reply: FastifyReply, uid: string, error?: string) => {
    const { params } = await provider().interactionDetails(reply.request.raw, reply.raw);
    const resource = params.resource;
    return (
      reply
        .code(error ? 401 : 200)
        .type('text/html; charset=utf-8')
        // No scripts and no framing (clickjacking). No form-action: browsers apply it to the
        // redirects after the post too, and those end at the client's own redirect URI.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        .send(
          loginPage({
            uid,
            clientId: String(params.client_id),
            resources: Array.isArray(resource) ? resource.map(String) : resource ? [String(resource)] : [],
            scope: typeof params.scope === 'string' ? params.scope : '',
            ...(error && { error }),
          }),
        )
    );
  };

  app.get<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
    const { prompt } = await provider().interactionDetails(request.raw, reply.raw);
    if (prompt.name === 'login') return page(reply, request.params.uid);
    // Consent is only asked for what the registry does not allow this client: refuse it.
    const redirectTo = await provider().interactionResult(request.raw, reply.raw, {
      error: 'access_denied',
      error_description: 'the client asked for more than it is registered for',
    });
    return reply.redirect(redirectTo, 303);
  });

  app.post<{ Params: { uid: string }; Body: { username: string; password: string } }>(
    '/interaction/:uid/login',
    { schema: { body: LoginForm } },
    async (request, reply) => {
      const { prompt } = await provider().interactionDetails(request.raw, reply.raw);
      if (prompt.name !== 'login') return reply.redirect(`/interaction/${request.params.uid}`, 303);
      const user = users.find((u) => u.id === request.body.username);
      // Compare digests in constant time, and compare even for unknown users, so timing tells nothing.
      const matches = sameSecret(request.body.password, user?.password ?? '\u0000no user');
      if (!user || !matches) {
        request.log.info({ username: request.body.username }, 'sign-in refused');
        return page(reply, request.params.uid, 'Unknown customer id or wrong password.');
      }
      const redirectTo = await provider().interactionResult(
        request.raw,
        reply.raw,
        { login: { accountId: user.id } },
        { mergeWithLastSubmission: false },
      );
      return reply.redirect(redirectTo, 303);
    },
  );

  app.get<{ Params: { uid: string } }>('/interaction/:uid/abort', async (request, reply) => {
    const redirectTo = await provider().interactionResult(request.raw, reply.raw, {
      error: 'access_denied',
      error_description: 'the user cancelled the sign-in',
    });
    return reply.redirect(redirectTo, 303);
  });
};

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
