import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AuthError, type AuthFailureReason } from './auth-error.ts';
import { bearerToken } from './bearer.ts';
import { requireScopes } from './scopes.ts';

export interface VerifierOptions {
  /** The authorization server's issuer identifier; `iss` must equal it. */
  issuer: string;
  /** This resource server's identifier (the resource indicator clients ask tokens for); `aud` must contain it. */
  audience: string;
  /** The issuer's JWKS URL, or a key set in process (the authorization server checking its own tokens). */
  keys: string | URL | JSONWebKeySet | JWTVerifyGetKey;
  /** The only algorithms accepted; the key set and the header never choose. Default RS256 (RFC 9068 §4). */
  algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp, nbf and iat. Default 5. */
  clockToleranceSeconds?: number;
  /** After a fetch, an unknown kid waits this long before the key set is fetched again. Default 30 s. */
  jwksCooldownMs?: number;
  /** Cached keys are fetched again after this long even when every kid is known. Default 10 min. */
  jwksMaxAgeMs?: number;
  /** How long one JWKS fetch may take. Default 5 s. */
  jwksTimeoutMs?: number;
  /** The fetch that loads the key set (tests count requests with it). Default the global fetch. */
  fetch?: FetchImplementation;
}

/** What a verified RFC 9068 access token says, in the names a service uses. */
export interface VerifiedToken {
  /** The resource owner: a customer id, or for client credentials the client itself. */
  subject: string;
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: Date;
  keyId: string;
  claims: JWTPayload;
}

export interface TokenVerifier {
  /** Verifies a compact JWT; throws AuthError naming the failed check. */
  verify(token: string): Promise<VerifiedToken>;
  /** Reads the Authorization header, verifies the token, checks the scopes; throws AuthError. */
  authenticate(
    authorization: string | readonly string[] | undefined,
    scopes?: Iterable<string>,
  ): Promise<VerifiedToken>;
}

/**
 * A resource server's check of RFC 9068 JWT access tokens, with jose doing the cryptography.
 * Keys come from the issuer's JWKS: cached, fetched again when a token names an unknown kid
 * (at most once per cooldown, one fetch at a time, so forged kids cannot cause a refresh
 * storm), and kept in use when the key set cannot be reached (a brief outage of the
 * authorization server does not fail every request).
 */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const algorithms = [...(options.algorithms ?? ['RS256'])];
  const getKey = keyResolver(options);
  const clockTolerance = options.clockToleranceSeconds ?? 5;

  const verify = async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    let kid: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { kid },
      } = await jwtVerify(token, getKey, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
      }));
    } catch (err) {
      throw toAuthError(err);
    }
    if (typeof payload.client_id !== 'string' || (payload.scope !== undefined && typeof payload.scope !== 'string')) {
      throw new AuthError('claims', 'client_id and scope must be strings');
    }
    return {
      subject: payload.sub!,
      clientId: payload.client_id,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      expiresAt: new Date(payload.exp! * 1000),
      keyId: kid!,
      claims: payload,
    };
  };

  return {
    verify,
    async authenticate(authorization, scopes = []) {
      const token = await verify(bearerToken(authorization));
      requireScopes(token, scopes);
      return token;
    },
  };
}

function keyResolver(options: VerifierOptions): JWTVerifyGetKey {
  const { keys } = options;
  const requireKid = (resolve: JWTVerifyGetKey): JWTVerifyGetKey => {
    // With several keys published (during a rotation) a token must say which one signed it.
    return (header, token) => {
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw new AuthError('unknown-key', 'the token names no key (kid)');
      }
      return resolve(header, token);
    };
  };
  if (typeof keys === 'function') return requireKid(keys);
  if (!(typeof keys === 'string' || keys instanceof URL)) return requireKid(createLocalJWKSet(keys));

  const remote = createRemoteJWKSet(new URL(keys), {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    ...(options.fetch && { [customFetch]: options.fetch }),
  });
  let stale: { jwks: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
  return requireKid(async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      const cached = remote.jwks();
      if (!isUnreachable(err) || !cached) throw err;
      // Stale-if-error: the keys last fetched still verify while the issuer is unreachable.
      if (stale?.jwks !== cached) stale = { jwks: cached, resolve: createLocalJWKSet(cached) };
      return stale.resolve(header, token);
    }
  });
}

/** A failure to load the key set, as opposed to a token the key set refuses. */
function isUnreachable(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout) return true;
  // jose's generic error is a non-200 or non-JSON response; anything not from jose is the network.
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC' || err.code === 'ERR_JWKS_INVALID';
  return !(err instanceof AuthError);
}

function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  const refuse = (reason: AuthFailureReason, message: string) => new AuthError(reason, message, { cause: err });
  if (err instanceof errors.JWTExpired) return refuse('expired', 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, AuthFailureReason> = {
      iss: 'issuer',
      aud: 'audience',
      nbf: 'not-yet-valid',
      iat: 'not-yet-valid',
      typ: 'type',
    };
    const reason = err.reason === 'missing' ? 'claims' : (byClaim[err.claim] ?? 'claims');
    return refuse(reason, `the token's ${err.claim} ${err.reason === 'missing' ? 'is missing' : 'is not acceptable'}`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return refuse('algorithm', 'the token is not signed with the expected algorithm');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse('unknown-key', 'the token was not signed by a key of the issuer');
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return refuse('signature', 'the token signature is invalid');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return refuse('malformed', 'the token is not a well-formed signed JWT');
  }
  if (isUnreachable(err)) return refuse('keys-unavailable', 'the issuer key set cannot be loaded');
  return refuse('malformed', 'the token cannot be read');
}
