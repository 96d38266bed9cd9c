import { createHash, randomBytes } from 'node:crypto';

export interface SignInOptions {
  /** The authorization server's issuer identifier: what the response's `iss` must be. */
  issuer: string;
  /** Where to reach it, when not at the issuer URL (e.g. a published container port). */
  baseUrl?: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  /** The one resource the token is for (its audience). */
  resource: string;
  scope: string;
  /** How to reach the server (an mTLS fetch from a service). Default the global fetch. */
  fetch?: typeof fetch;
}

export interface UserTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/**
 * The authorization code flow with PKCE (RFC 7636) as a browser would walk it, for a terminal:
 * ask /auth, sign in on the login page, follow the redirects to the client's redirect URI,
 * then exchange the code with the verifier. The server sees nothing it would not see from a
 * browser; there is no shortcut around the login.
 */
export async function signIn(
  options: SignInOptions,
  steps: {
    /** Runs on the login page, before the form is sent (tests rotate keys here). */ beforeSubmit?: () => Promise<unknown>;
  } = {},
): Promise<UserTokens> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const base = options.baseUrl ?? options.issuer;
  const fetch = options.fetch ?? globalThis.fetch;
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}): Promise<string> => {
    const response = await fetch(new URL(url, base), {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (response.status === 401)
      throw new Error(`sign-in refused for ${options.username}: unknown customer id or wrong password`);
    if (!location)
      throw new Error(`expected a redirect from ${url}, got HTTP ${response.status}: ${await response.text()}`);
    // The server writes absolute URLs with its issuer's origin; reach them where we reach it.
    const target = new URL(location, base);
    const issuerOrigin = new URL(options.issuer).origin;
    return target.origin === issuerOrigin ? new URL(target.pathname + target.search, base).href : target.href;
  };

  const authorize = new URL('/auth', base);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope,
    resource: options.resource,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  let next = await go(authorize.href);
  const signedIn = new Set<string>();
  for (let hop = 0; !next.startsWith(options.redirectUri); hop++) {
    if (hop > 5) throw new Error(`too many redirects, last ${next}`);
    // The login page: submit the form once, as a person would; anything else, follow.
    if (/\/interaction\/[^/]+$/.test(new URL(next).pathname) && !signedIn.has(next)) {
      signedIn.add(next);
      await steps.beforeSubmit?.();
      next = await go(`${next}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: options.username, password: options.password }).toString(),
      });
    } else {
      next = await go(next);
    }
  }

  const callback = new URL(next).searchParams;
  if (callback.get('error'))
    throw new Error(`authorization refused: ${callback.get('error')} (${callback.get('error_description')})`);
  // RFC 9207: the response names its issuer, so a code from a mix-up attack is not sent to ours.
  if (callback.get('state') !== state || callback.get('iss') !== options.issuer) {
    throw new Error('the authorization response does not belong to this request (state or iss differs)');
  }
  const response = await fetch(new URL('/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.get('code') ?? '',
      redirect_uri: options.redirectUri,
      client_id: options.clientId,
      code_verifier: verifier,
      resource: options.resource,
    }),
  });
  const tokens = (await response.json()) as UserTokens & { error?: string; error_description?: string };
  if (!response.ok) throw new Error(`token request refused: ${tokens.error} (${tokens.error_description})`);
  return tokens;
}
