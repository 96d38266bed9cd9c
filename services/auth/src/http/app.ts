import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import formBody from '@fastify/formbody';
import { healthRoutes, serviceHttpApp, type Logger, type ReadinessCheck } from '@commlab/kit';
import { refuse, type Refusal, type TokenVerifier } from '@commlab/security';
import type Provider from 'oidc-provider';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { Registry } from '../registry.ts';
import { adminRoutes } from './admin-routes.ts';
import { interactionRoutes } from './interaction-routes.ts';
import { problemRoutes, sendProblem } from './problems.ts';

export interface AppDeps {
  /** The provider for the current key set (it is rebuilt when the keys change). */
  provider: () => Provider;
  keys: SigningKeys;
  users: Registry['users'];
  /** Checks the tokens of the admin routes (audience urn:commlab:auth). */
  adminVerifier: TokenVerifier;
  readiness: ReadinessCheck[];
  logger: Logger;
  /** Refuses a request before either framework sees it (lab 09: which certificate a client needs). */
  refuse?: (request: IncomingMessage) => Refusal | undefined;
}

// The paths fastify answers; every other request is oidc-provider's (/token, /jwks, /auth, /.well-known/…).
const ours = /^\/(healthz|readyz|interaction\/|admin\/|problems\/)/;

/**
 * One HTTP server, two frameworks: oidc-provider (a Koa app) serves the OAuth endpoints at the
 * issuer's root, as clients expect them; fastify serves health, the sign-in page and the admin
 * routes with the same logging, probes and problem documents as every other commlab service.
 * The request is routed by path before either parses it, so neither framework's body parsing
 * or lifecycle gets in the other's way.
 */
export async function createApp(deps: AppDeps) {
  const handlers = new WeakMap<Provider, RequestListener>();
  const oauth: RequestListener = (req, res) => {
    const provider = deps.provider();
    let handle = handlers.get(provider);
    if (!handle) handlers.set(provider, (handle = provider.callback() as RequestListener));
    return handle(req, res);
  };

  let handle: RequestListener | undefined;
  // Its errors are OAuth's own shape (problems.ts), not problem+json.
  const app = await serviceHttpApp({
    logger: deps.logger,
    serverFactory: (fastifyHandler) =>
      createServer(
        (handle = (req: IncomingMessage, res) => {
          const refusal = deps.refuse?.(req);
          if (refusal) return refuse(res, refusal);
          return ours.test(req.url ?? '') ? fastifyHandler(req, res) : oauth(req, res);
        }),
      ),
  });
  await app.register(formBody);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'not-found', `no route for ${request.method} ${request.url}`),
  );

  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(problemRoutes);
  await app.register(interactionRoutes, { provider: deps.provider, users: deps.users });
  await app.register(adminRoutes, { keys: deps.keys, verifier: deps.adminVerifier });
  // The same routes for a second listener (lab 09's mTLS port for services).
  const routes: RequestListener = (req, res) => handle!(req, res);
  // (Not a property of app: a fastify instance is thenable, and awaiting it would drop one.)
  return { app, handle: routes };
}
