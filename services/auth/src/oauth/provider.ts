import Provider, {
  errors,
  type AdapterFactory,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Logger } from '@commlab/kit';
import { signingAlgorithm } from '../keys/key-file.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { Registry, RegisteredClient } from '../registry.ts';
import { defaultResource, grantable, isRefusal, type Refusal } from './policy.ts';

export interface ProviderOptions {
  issuer: string;
  registry: Registry;
  keys: SigningKeys;
  accessTokenTtlSeconds: number;
  /** Signs oidc-provider's cookies; the same across rebuilds so a login in progress survives a rotation. */
  cookieKeys: string[];
  /** Codes, sessions and grants, shared by every instance (see memory-state.ts). */
  state: AdapterFactory;
  logger: Logger;
}

/**
 * An oidc-provider instance for the current key set. Its JWKS is fixed when it is built, so
 * the service builds a new one whenever the published keys change; state (codes, sessions)
 * lives in one in-memory store that every instance of this process shares.
 */
export function buildProvider(options: ProviderOptions): Provider {
  const { registry, keys, logger } = options;
  const users = new Set(registry.users.map((u) => u.id));
  const fail = (refusal: Refusal): never => {
    throw refusal.error === 'invalid_scope'
      ? new errors.InvalidScope(refusal.description, refusal.scope ?? '')
      : new errors.InvalidTarget(refusal.description);
  };

  const configuration: Configuration = {
    adapter: options.state,
    clients: registry.clients.map(clientMetadata),
    jwks: { keys: keys.published().map((k) => k.jwk) },
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client, oneOf) => {
          if (oneOf) {
            if (oneOf.length === 1) return oneOf[0];
            return fail({ error: 'invalid_target', description: `name the resource: one of ${oneOf.join(', ')}` });
          }
          const resource = defaultResource(registry, client.clientId);
          return isRefusal(resource) ? fail(resource) : resource;
        },
        // A code granted for one resource needs no resource parameter at the token endpoint.
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => {
          const scopes = requestedScopes(ctx);
          const requested = ctx.oidc.params?.resource;
          const decision = grantable(registry, client.clientId, resource, {
            scopes,
            resources: Array.isArray(requested) ? requested.length : 1,
          });
          if (isRefusal(decision)) return fail(decision);
          return {
            scope: decision.scopes.join(' '),
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtlSeconds,
            // The kid is chosen per token: a rotation's new key signs from its moment on, to the millisecond.
            jwt: { sign: { alg: signingAlgorithm, kid: keys.signer().kid } },
          };
        },
      },
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      ClientCredentials: options.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      IdToken: options.accessTokenTtlSeconds,
    },
    cookies: { keys: options.cookieKeys },
    findAccount: (_ctx, id) => (users.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Every client is first-party: what the registry allows it is granted without a consent screen.
    loadExistingGrant: async (ctx) => {
      const { client, session, provider } = ctx.oidc;
      const existing = ctx.oidc.result?.consent?.grantId ?? session?.grantIdFor(client!.clientId);
      if (existing) return provider.Grant.find(existing);
      if (!session?.accountId) return undefined;
      const grant = new provider.Grant({ clientId: client!.clientId, accountId: session.accountId });
      const registered = registry.clients.find((c) => c.id === client!.clientId);
      for (const [resource, scopes] of Object.entries(registered?.allow ?? {}))
        grant.addResourceScope(resource, scopes);
      await grant.save();
      return grant;
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const { client, params } = ctx.oidc;
    logger.info(
      { client: client?.clientId, grant: params?.grant_type, resource: params?.resource, kid: keys.signer().kid },
      `issued a token to ${client?.clientId}`,
    );
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: errors.OIDCProviderError) => {
    logger.warn(
      { client: ctx.oidc.client?.clientId, error: err.error },
      `token refused: ${err.error_description ?? err.message}`,
    );
  });
  provider.on('authorization.error', (ctx: KoaContextWithOIDC, err: errors.OIDCProviderError) => {
    logger.warn(
      { client: ctx.oidc.client?.clientId, error: err.error },
      `authorization refused: ${err.error_description ?? err.message}`,
    );
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) =>
    logger.error({ err }, 'authorization server error'),
  );
  return provider;
}

function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  const scope = ctx.oidc.params?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}

function clientMetadata(client: RegisteredClient): ClientMetadata {
  if (client.kind === 'service') {
    return {
      client_id: client.id,
      client_secret: client.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }
  return {
    client_id: client.id,
    application_type: client.applicationType,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: 'none',
  };
}
