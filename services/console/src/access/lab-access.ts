import { httpClientFrom, signIn, tokenClientFrom, type TlsSettings, type TokenClientSettings } from '@commlab/security';
import { signToken } from '@commlab/push';

/**
 * How the console's server speaks to secured services, and what push token it hands its page.
 * Without the lab 09 settings: no token to order, and the labs' HMAC push token. With them:
 *
 * - the page's orders go to the order API with the console's own client-credentials token
 *   (client lab-console, scope orders:write), cached until shortly before it expires;
 * - the page's push token is a real access token for the customer it watches, got by the
 *   authorization code flow with PKCE through the authorization server's login page (client
 *   `console`), with the lab customer's throwaway password from CONSOLE_CUSTOMERS: a
 *   documented lab shortcut for a page that has no sign-in of its own;
 * - with the TLS_ files, every one of these calls (to order and to auth) goes over mTLS with the
 *   console's certificate.
 */
export interface LabAccess {
  /** How the console's server reaches the services: mTLS with the TLS_ files, else plain fetch. */
  fetch: typeof fetch;
  /** The Authorization header for a call to the order API, or none. */
  orderAuthorization(): Promise<string | undefined>;
  /** The order API refused the token (401): fetch a new one next time. */
  orderTokenRefused(): void;
  /** A push token for this customer, or undefined when the console may not sign them in. */
  pushToken(customer: string): Promise<string | undefined>;
}

export interface LabAccessSettings extends TokenClientSettings, TlsSettings {
  PUSH_TOKEN_SECRET: string;
  AUTH_ISSUER?: string | undefined;
  CONSOLE_CUSTOMERS?: string | undefined;
}

/** Renew a cached customer token this long before it expires. */
const renewBeforeMs = 30_000;

export function labAccess(config: LabAccessSettings): LabAccess {
  const orderTokens = tokenClientFrom(config, { resource: 'urn:commlab:order', scopes: ['orders:write'] });
  const customers = passwords(config.CONSOLE_CUSTOMERS);
  const http = httpClientFrom(config);
  if (customers && !(config.AUTH_ISSUER && config.AUTH_TOKEN_URL)) {
    throw new Error('CONSOLE_CUSTOMERS needs AUTH_ISSUER and AUTH_TOKEN_URL (where to sign them in)');
  }
  // One sign-in per customer at a time; its token is used again until shortly before it expires.
  const kept = new Map<string, { token: string; renewAt: number }>();
  const signingIn = new Map<string, Promise<string>>();

  const signInAs = async (customer: string, password: string) => {
    const { access_token: token, expires_in: lifetime } = await signIn({
      issuer: config.AUTH_ISSUER!,
      baseUrl: new URL('/', config.AUTH_TOKEN_URL).href,
      clientId: 'console',
      // Never fetched: the flow ends where the server redirects to it, with the code.
      redirectUri: 'http://127.0.0.1:3080/callback',
      username: customer,
      password,
      resource: 'urn:commlab:notification',
      scope: 'notifications:read',
      fetch: http,
    });
    return { token, renewAt: Date.now() + lifetime * 1000 - renewBeforeMs };
  };

  return {
    fetch: http,
    orderAuthorization: async () => (orderTokens ? `Bearer ${await orderTokens.token()}` : undefined),
    orderTokenRefused: () => orderTokens?.invalidate(),
    async pushToken(customer) {
      if (!customers) return signToken(config.PUSH_TOKEN_SECRET, customer, 3600);
      const password = customers.get(customer);
      if (password === undefined) return undefined;
      const current = kept.get(customer);
      if (current && current.renewAt > Date.now()) return current.token;
      let running = signingIn.get(customer);
      if (!running) {
        running = signInAs(customer, password)
          .then((session) => (kept.set(customer, session), session.token))
          .finally(() => signingIn.delete(customer));
        signingIn.set(customer, running);
      }
      return running;
    },
  };
}

/** `reader-1:reader-1-password,reader-2:reader-2-password` → customer → password. */
function passwords(list: string | undefined): Map<string, string> | undefined {
  if (!list) return undefined;
  return new Map(
    list.split(',').map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
    }),
  );
}
