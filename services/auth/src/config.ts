import { join } from 'node:path';
import Type, { type Static } from 'typebox';
import { CommonConfig, ConfigError } from '@commlab/kit';
import { mtlsListenerConfig, tlsConfig } from '@commlab/security';
import { loadRegistry, type Registry } from './registry.ts';

export const AuthConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3090, minimum: 0, maximum: 65535, description: 'HTTP port' }),
  AUTH_ISSUER: Type.Optional(
    Type.String({
      pattern: '^https?://[^#?]+[^/#?]$',
      description: 'issuer identifier (iss of every token); default http://127.0.0.1:PORT',
    }),
  ),
  AUTH_REGISTRY_FILE: Type.Optional(
    Type.String({ description: 'JSON file of resources, clients and users; default the lab registry' }),
  ),
  AUTH_KEYS_FILE: Type.Optional(
    Type.String({ description: 'where the signing keys are kept (mode 0600); default DATA_DIR/auth-keys.json' }),
  ),
  AUTH_ACCESS_TOKEN_TTL_S: Type.Integer({
    default: 300,
    minimum: 1,
    maximum: 86_400,
    description: 'lifetime of an access token, seconds',
  }),
  AUTH_KEY_PUBLISH_LEAD_S: Type.Integer({
    default: 60,
    minimum: 0,
    description:
      'a new signing key is in the JWKS this long before it signs; at least the verifiers’ JWKS refresh cooldown',
  }),
  AUTH_CLOCK_TOLERANCE_S: Type.Integer({
    default: 5,
    minimum: 0,
    maximum: 300,
    description: 'verifiers’ clock tolerance: a retired key stays published for the token lifetime plus this',
  }),
  // Lab 09: a listener for the services (mTLS), and the clients whose secret counts only from a certificate.
  ...tlsConfig,
  ...mtlsListenerConfig,
  AUTH_CLIENT_PEERS: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9._-]+=spiffe://[^,]+(,[A-Za-z0-9._-]+=spiffe://[^,]+)*$',
      description:
        'client=SPIFFE ID pairs: such a client gets a token only over mTLS with that certificate (MTLS_PORT); unset = none',
    }),
  ),
});

type EnvConfig = Static<typeof AuthConfig>;

/** The environment settings with their derived defaults filled in, and the registry read once. */
export interface AuthSettings extends EnvConfig {
  issuer: string;
  keysFile: string;
  registry: Registry;
}

export function authSettings(config: EnvConfig): AuthSettings {
  return {
    ...config,
    issuer: config.AUTH_ISSUER ?? `http://127.0.0.1:${config.PORT}`,
    keysFile: config.AUTH_KEYS_FILE ?? join(config.DATA_DIR, 'auth-keys.json'),
    registry: loadRegistry(config.AUTH_REGISTRY_FILE),
  };
}

/**
 * authSettings for main.ts: a bad registry stops start-up like a bad variable does in
 * startService (the message, exit code 2), not as a crash with a stack trace.
 */
export function authSettingsOrExit(config: EnvConfig): AuthSettings {
  try {
    return authSettings(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`auth: cannot start, ${err.message}`);
    process.exit(2);
  }
}
