import Type from 'typebox';
import type { TlsFiles } from './grpc-mtls.ts';
import { sharedMtlsFetch } from './http-mtls.ts';
import { createTokenClient, type TokenClient } from './token-client.ts';
import { createVerifier, type TokenVerifier } from './verifier.ts';

/**
 * The settings a service takes part in OAuth 2.0 and mTLS with, to spread into its own config
 * schema (`...tokenCheckConfig('urn:commlab:order')`). Every one is optional: a service without
 * them runs as in the earlier labs, and lab 09 switches them on in its lab.ts.
 */
export const tokenCheckConfig = (audience: string) => ({
  AUTH_ISSUER: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'issuer of the access tokens to accept; unset = no token check',
    }),
  ),
  AUTH_JWKS_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: "the issuer's JWKS; default AUTH_ISSUER/jwks" }),
  ),
  AUTH_AUDIENCE: Type.String({ default: audience, description: 'the aud an access token must name' }),
  AUTH_JWKS_COOLDOWN_S: Type.Integer({
    default: 30,
    minimum: 1,
    maximum: 3_600,
    description: 'the JWKS is fetched again on an unknown kid at most this often, seconds (no refresh storm)',
  }),
});

/** Client credentials for calling another service (its resource indicator and scopes). */
export const tokenClientConfig = {
  AUTH_TOKEN_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: "the authorization server's token endpoint; unset = no token" }),
  ),
  AUTH_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'OAuth client id (with AUTH_TOKEN_URL)' })),
  AUTH_CLIENT_SECRET: Type.Optional(
    Type.String({ minLength: 1, description: 'OAuth client secret (with AUTH_TOKEN_URL)' }),
  ),
};

export const tlsConfig = {
  TLS_CA_FILE: Type.Optional(
    Type.String({ description: 'CA certificate (PEM) peers must chain to; set all three TLS_ files for mTLS' }),
  ),
  TLS_CERT_FILE: Type.Optional(
    Type.String({ description: "this service's certificate (PEM), re-read when it changes" }),
  ),
  TLS_KEY_FILE: Type.Optional(Type.String({ description: "this service's private key (PEM)" })),
};

/**
 * A listener for other services beside the reader's port (lab 09): HTTPS that requires a client
 * certificate from TLS_CA_FILE, serving the same routes. Unset = no such listener.
 */
export const mtlsListenerConfig = {
  MTLS_PORT: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: 'port of the mTLS listener for other services (needs the TLS_ files); unset = none',
    }),
  ),
  MTLS_PEERS: Type.Optional(
    Type.String({
      pattern: '^spiffe://[^,]+(,spiffe://[^,]+)*$',
      description: 'SPIFFE IDs that may call the mTLS listener, comma-separated; unset = any certificate of the CA',
    }),
  ),
};

export interface MtlsListenerSettings extends TlsSettings {
  MTLS_PORT?: number | undefined;
  MTLS_PEERS?: string | undefined;
}

/** The mTLS listener's files and peers when MTLS_PORT is set; MTLS_PORT without the TLS_ files is a mistake. */
export function mtlsListenerFrom(
  config: MtlsListenerSettings,
): { port: number; files: TlsFiles; peers: string[] | undefined } | undefined {
  if (config.MTLS_PORT === undefined) return undefined;
  const files = tlsFilesFrom(config);
  if (!files) throw new Error('MTLS_PORT needs TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE');
  return { port: config.MTLS_PORT, files, peers: config.MTLS_PEERS?.split(',') };
}

/**
 * How this service calls other services over HTTP: with its certificate (mTLS) when the TLS_
 * files are set, else the plain global fetch of the earlier labs.
 */
export function httpClientFrom(config: TlsSettings): typeof fetch {
  const files = tlsFilesFrom(config);
  return files ? sharedMtlsFetch(files) : fetch;
}

export interface TokenCheckSettings {
  AUTH_ISSUER?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_AUDIENCE: string;
  AUTH_JWKS_COOLDOWN_S?: number | undefined;
}

/** The verifier the settings ask for, or none when AUTH_ISSUER is unset. */
export function verifierFrom(config: TokenCheckSettings & TlsSettings): TokenVerifier | undefined {
  if (!config.AUTH_ISSUER) return undefined;
  return createVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    keys: config.AUTH_JWKS_URL ?? `${config.AUTH_ISSUER}/jwks`,
    ...(config.AUTH_JWKS_COOLDOWN_S && { jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_S * 1_000 }),
    ...(tlsFilesFrom(config) && { fetch: httpClientFrom(config) }),
  });
}

export interface TokenClientSettings {
  AUTH_TOKEN_URL?: string | undefined;
  AUTH_CLIENT_ID?: string | undefined;
  AUTH_CLIENT_SECRET?: string | undefined;
}

/** A client-credentials token client for one resource, or none when AUTH_TOKEN_URL is unset. */
export function tokenClientFrom(
  config: TokenClientSettings & TlsSettings,
  target: { resource: string; scopes: readonly string[] },
): TokenClient | undefined {
  if (!config.AUTH_TOKEN_URL) return undefined;
  if (!config.AUTH_CLIENT_ID || !config.AUTH_CLIENT_SECRET) {
    throw new Error('AUTH_TOKEN_URL needs AUTH_CLIENT_ID and AUTH_CLIENT_SECRET');
  }
  return createTokenClient({
    tokenUrl: config.AUTH_TOKEN_URL,
    clientId: config.AUTH_CLIENT_ID,
    clientSecret: config.AUTH_CLIENT_SECRET,
    ...target,
    fetch: httpClientFrom(config),
  });
}

export interface TlsSettings {
  TLS_CA_FILE?: string | undefined;
  TLS_CERT_FILE?: string | undefined;
  TLS_KEY_FILE?: string | undefined;
}

/** The TLS files when all three are set, none when none is; anything between is a mistake. */
export function tlsFilesFrom(config: TlsSettings): TlsFiles | undefined {
  const { TLS_CA_FILE: ca, TLS_CERT_FILE: cert, TLS_KEY_FILE: key } = config;
  if (!ca && !cert && !key) return undefined;
  if (!ca || !cert || !key) throw new Error('mTLS needs all of TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE');
  return { ca, cert, key };
}
