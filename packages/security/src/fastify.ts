import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AuthError } from './auth-error.ts';
import type { TokenVerifier, VerifiedToken } from './verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, on routes guarded by `bearerAuth(...).require(...)`. */
    accessToken?: VerifiedToken;
  }
}

export interface BearerAuth {
  /** A preHandler that lets a request through only with a valid token carrying every scope given. */
  require(...scopes: string[]): preHandlerAsyncHookHandler;
}

/**
 * The verifier as a fastify preHandler, per route:
 * `app.post('/orders', { preHandler: auth.require('orders:write') }, handler)`.
 * A refused request gets its RFC 6750 challenge in `WWW-Authenticate` and an RFC 9457
 * problem document; the route handler never runs.
 */
export function bearerAuth(verifier: TokenVerifier, options: { realm: string }): BearerAuth {
  return {
    require(...scopes) {
      return async function requireAccessToken(request: FastifyRequest, reply: FastifyReply) {
        try {
          request.accessToken = await verifier.authenticate(request.headers.authorization, scopes);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          request.log.info({ reason: err.reason, status: err.status }, `access refused: ${err.message}`);
          const challenge = err.challenge(options.realm);
          if (challenge) reply.header('www-authenticate', challenge);
          if (err.status === 503) reply.header('retry-after', '5');
          return reply.code(err.status).type('application/problem+json').send(err.problem());
        }
      };
    },
  };
}
