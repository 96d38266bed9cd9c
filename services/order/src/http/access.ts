import type { FastifyInstance } from 'fastify';
import type { TokenVerifier } from '@commlab/security';
import { bearerAuth } from '@commlab/security/fastify';
import { requestScope } from '../request-scope.ts';

/** Reading orders needs `orders:read`; placing and changing them `orders:write`. */
export const scopeOf = (method: string): string =>
  method === 'GET' || method === 'HEAD' ? 'orders:read' : 'orders:write';

/**
 * Every route of the scope this is installed in requires a valid access token with the
 * route's scope (401 `invalid_token` / 403 `insufficient_scope`, with `WWW-Authenticate`),
 * checked before the handler runs. A token issued to a person (its subject is not its client)
 * speaks for that customer: the request scope says so, and `ownOrdersOnly` does the rest.
 */
export function requireAccessTokens(api: FastifyInstance, verifier: TokenVerifier): void {
  const auth = bearerAuth(verifier, { realm: 'order' });
  api.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const check = auth.require(scopeOf(String(methods[0])));
    const speakFor = async (request: { accessToken?: { subject: string; clientId: string } }) => {
      const token = request.accessToken;
      const scope = requestScope.current();
      if (token && scope && token.subject !== token.clientId) scope.customer = token.subject;
    };
    route.preHandler = [check, speakFor, ...[route.preHandler ?? []].flat()] as typeof route.preHandler;
  });
}
