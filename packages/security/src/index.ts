export { AuthError, type AuthFailureReason, type AuthProblem, type BearerErrorCode } from './auth-error.ts';
export { bearerToken } from './bearer.ts';
export { requireScopes } from './scopes.ts';
export { createVerifier, type TokenVerifier, type VerifiedToken, type VerifierOptions } from './verifier.ts';
export { createTokenClient, TokenRequestError, type TokenClient, type TokenClientOptions } from './token-client.ts';
// The CloudEvents Verifiability signatures, all of them public.
export * from './producer-identity.ts';
export { producerKeysFromCertificates } from './producer-certificates.ts';
export {
  httpClientFrom,
  mtlsListenerConfig,
  mtlsListenerFrom,
  tlsConfig,
  tlsFilesFrom,
  tokenCheckConfig,
  tokenClientConfig,
  tokenClientFrom,
  verifierFrom,
  type MtlsListenerSettings,
  type TlsSettings,
  type TokenCheckSettings,
  type TokenClientSettings,
} from './config.ts';
export { signIn, type SignInOptions, type UserTokens } from './sign-in.ts';
export {
  mtlsHttpServer,
  peerIdentity,
  refuse,
  startMtlsListener,
  type MtlsListenerOptions,
  type Refusal,
} from './http-mtls.ts';
