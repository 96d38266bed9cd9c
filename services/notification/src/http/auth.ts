import type { FastifyRequest } from 'fastify';
import { bearerPrefix, verifyToken, type TokenCheck, type TokenClaims } from '@commlab/push';
import { AuthError, requireScopes, verifierFrom, type TokenVerifier } from '@commlab/security';
import type { NotificationSettings } from '../config.ts';
import { notificationProblems } from './problems.ts';

/** PUSH_ALLOWED_ORIGINS: origins browsers may connect from, or '*'. Clients that send no Origin (non-browsers) pass. */
export type AuthSettings = Pick<NotificationSettings, 'PUSH_TOKEN_SECRET' | 'PUSH_ALLOWED_ORIGINS'> &
  Partial<
    Pick<
      NotificationSettings,
      'AUTH_ISSUER' | 'AUTH_JWKS_URL' | 'AUTH_AUDIENCE' | 'TLS_CA_FILE' | 'TLS_CERT_FILE' | 'TLS_KEY_FILE'
    >
  >;

const claimsOf = new WeakMap<FastifyRequest, TokenClaims>();

/** The verified claims of a request that passed `authenticate`. */
export function claims(request: FastifyRequest): TokenClaims {
  const found = claimsOf.get(request);
  if (!found) throw new Error('route is missing the authenticate hook');
  return found;
}

/**
 * A preValidation hook: the origin and the bearer token are checked before anything else
 * runs — for a WebSocket before the upgrade completes, so a refused client gets a plain
 * HTTP 401/403 answer and never an open socket. Browsers cannot set headers on a WebSocket,
 * so the token may also come as the subprotocol `bearer.<token>`.
 */
export function authenticate(config: AuthSettings) {
  const check = tokenCheck(config);
  const allowedOrigins = config.PUSH_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim());
  const anyOrigin = allowedOrigins.includes('*');
  return async (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !anyOrigin && !allowedOrigins.includes(origin)) {
      throw notificationProblems.problem('forbidden-origin', `origin ${origin} is not allowed (PUSH_ALLOWED_ORIGINS)`);
    }
    const token = tokenOf(request);
    if (!token)
      throw notificationProblems.problem(
        'unauthorized',
        'send a bearer token (Authorization header or bearer.<token> subprotocol)',
      );
    const checked = await check(token);
    if (!checked.ok) {
      if (checked.reason === 'scope')
        throw notificationProblems.problem('insufficient-scope', 'the token lacks notifications:read');
      throw notificationProblems.problem('unauthorized', `token ${checked.reason}`);
    }
    claimsOf.set(request, checked.claims);
  };
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const protocols = request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()) ?? [];
  return protocols.find((p) => p.startsWith(bearerPrefix))?.slice(bearerPrefix.length);
}

// One verifier per configuration: the three push routes share its cached keys.
const verifiers = new WeakMap<AuthSettings, TokenVerifier>();

/**
 * How a token is checked: with AUTH_ISSUER (lab 09), an RFC 9068 access token verified against
 * the issuer's JWKS, for this service's audience, with `notifications:read`; its subject is the
 * customer and its `exp` ends the connection (4401). Otherwise the labs' HMAC token.
 */
function tokenCheck(config: AuthSettings): (token: string) => Promise<TokenCheck | { ok: false; reason: string }> {
  if (!config.AUTH_ISSUER) return async (token) => verifyToken(config.PUSH_TOKEN_SECRET, token);
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = verifierFrom({ ...config, AUTH_AUDIENCE: config.AUTH_AUDIENCE ?? 'urn:commlab:notification' })!;
    verifiers.set(config, verifier);
  }
  const jwt = verifier;
  return async (token) => {
    try {
      const verified = await jwt.verify(token);
      requireScopes(verified, ['notifications:read']);
      return { ok: true, claims: { sub: verified.subject, exp: Math.floor(verified.expiresAt.getTime() / 1000) } };
    } catch (err) {
      if (err instanceof AuthError) return { ok: false, reason: err.reason };
      throw err;
    }
  };
}
