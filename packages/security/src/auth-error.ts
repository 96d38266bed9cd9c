/**
 * Why a request's credentials were refused. `reason` is for logs and tests (it names the one
 * check that failed); clients get the RFC 6750 `error` code and the problem `type`, which
 * stay coarse on purpose: a caller learns that its token is bad, not which check to game.
 */
export type AuthFailureReason =
  | 'missing' // no bearer credentials at all
  | 'malformed-header' // an Authorization header that is not one well-formed Bearer token
  | 'malformed' // not a compact JWS
  | 'algorithm' // alg not the pinned one (none, HS256...)
  | 'type' // typ is not at+jwt
  | 'unknown-key' // no published key has this kid (or the token names none)
  | 'signature' // the signature does not match the key
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid' // nbf (or iat) in the future
  | 'claims' // a required claim is missing or of the wrong type
  | 'scope' // valid token, but without a scope this operation needs
  | 'keys-unavailable'; // the key set could not be fetched and none is cached

/** RFC 6750 §3.1 error codes. A request without credentials gets none (§3). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** The shape of an RFC 9457 problem document (kept local: this package depends on no service kit). */
export interface AuthProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

const byReason = (reason: AuthFailureReason): { status: 400 | 401 | 403 | 503; error?: BearerErrorCode } => {
  switch (reason) {
    case 'missing':
      return { status: 401 };
    case 'malformed-header':
      return { status: 400, error: 'invalid_request' };
    case 'scope':
      return { status: 403, error: 'insufficient_scope' };
    case 'keys-unavailable':
      return { status: 503 };
    default:
      return { status: 401, error: 'invalid_token' };
  }
};

const problemTypes: Record<400 | 401 | 403 | 503, { type: string; title: string }> = {
  400: { type: '/problems/invalid-authorization-header', title: 'Malformed Authorization header' },
  401: { type: '/problems/unauthenticated', title: 'Missing or invalid access token' },
  403: { type: '/problems/insufficient-scope', title: 'Access token lacks a required scope' },
  503: { type: '/problems/token-keys-unavailable', title: 'Cannot check access tokens right now' },
};

/** A refused credential: carries the HTTP status, the RFC 6750 challenge and a problem document. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailureReason;
  readonly status: 400 | 401 | 403 | 503;
  readonly error: BearerErrorCode | undefined;
  /** For insufficient_scope: the scopes the operation needs (RFC 6750 §3 `scope`). */
  readonly requiredScopes: readonly string[];

  constructor(
    reason: AuthFailureReason,
    message: string,
    options: { requiredScopes?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    ({ status: this.status, error: this.error } = byReason(reason));
    this.requiredScopes = options.requiredScopes ?? [];
  }

  /**
   * The `WWW-Authenticate` value (RFC 6750 §3), or undefined for 503 (no challenge: the
   * client did nothing wrong). Quotes and backslashes are not allowed inside the quoted
   * values, so the description is cleaned of them.
   */
  challenge(realm: string): string | undefined {
    if (this.status === 503) return undefined;
    const params = [`realm="${clean(realm)}"`];
    if (this.error) params.push(`error="${this.error}"`, `error_description="${clean(this.message)}"`);
    if (this.requiredScopes.length > 0) params.push(`scope="${clean(this.requiredScopes.join(' '))}"`);
    return `Bearer ${params.join(', ')}`;
  }

  problem(): AuthProblem {
    return { ...problemTypes[this.status], status: this.status, detail: this.message };
  }
}

function clean(value: string): string {
  // RFC 6750 §3: error_description uses %x20-21 / %x23-5B / %x5D-7E only.
  return value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
