export interface TokenClientOptions {
  /** The authorization server's token endpoint. */
  tokenUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** The resource indicator (RFC 8707) of the one service the token is for; it becomes `aud`. */
  resource: string;
  scopes: readonly string[];
  /** Fetch a new token this long before the cached one expires (at most half its lifetime). Default 30 s. */
  refreshBeforeExpiryMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TokenClient {
  /** A valid access token: the cached one, or a fresh one (one request at a time, however many callers wait). */
  token(): Promise<string>;
  /** Forget the cached token, e.g. after the resource server answered 401 invalid_token. */
  invalidate(): void;
}

/** The authorization server refused, or could not be asked (status 0). */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  readonly status: number;
  /** The OAuth error code (RFC 6749 §5.2), e.g. invalid_client, invalid_scope, invalid_target. */
  readonly error: string | undefined;
  constructor(message: string, status: number, error?: string, cause?: unknown) {
    super(message, { cause });
    this.status = status;
    this.error = error;
  }
}

interface Cached {
  value: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) for one resource: a service asks for its token
 * once and reuses it until shortly before it expires. While the authorization server cannot
 * be reached, a token that has not yet expired is still handed out.
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const refreshBefore = options.refreshBeforeExpiryMs ?? 30_000;
  let cached: Cached | undefined;
  let pending: Promise<Cached> | undefined;

  const request = async (): Promise<Cached> => {
    const requestedAt = now();
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: options.resource });
    if (options.scopes.length > 0) body.set('scope', options.scopes.join(' '));
    let response: Response;
    try {
      response = await fetchImpl(options.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(options.clientId, options.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new TokenRequestError(`cannot reach the token endpoint ${options.tokenUrl}`, 0, undefined, err);
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof answer.access_token !== 'string') {
      const error = typeof answer.error === 'string' ? answer.error : undefined;
      const description = typeof answer.error_description === 'string' ? ` (${answer.error_description})` : '';
      throw new TokenRequestError(
        `the authorization server refused client ${options.clientId} a token for ${options.resource}: ` +
          `${error ?? `HTTP ${response.status}`}${description}`,
        response.status,
        error,
      );
    }
    // Lifetimes count from when we asked, so a slow answer cannot stretch them.
    const lifetimeMs = typeof answer.expires_in === 'number' ? answer.expires_in * 1000 : 60_000;
    return {
      value: answer.access_token,
      expiresAt: requestedAt + lifetimeMs,
      refreshAt: requestedAt + lifetimeMs - Math.min(refreshBefore, lifetimeMs / 2),
    };
  };

  return {
    async token() {
      const at = now();
      if (cached && at < cached.refreshAt) return cached.value;
      try {
        pending ??= request().finally(() => (pending = undefined));
        cached = await pending;
        return cached.value;
      } catch (err) {
        if (cached && now() < cached.expiresAt) return cached.value;
        throw err;
      }
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function basicAuthorization(id: string, secret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}
