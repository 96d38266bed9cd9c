import type { FastifyRequest } from 'fastify';
import { bearerPrefix, verifyToken, type TokenClaims } from '@commlab/push';
import type { NotificationSettings } from '../config.ts';
import { notificationProblems } from './problems.ts';

/** PUSH_ALLOWED_ORIGINS: origins browsers may connect from, or '*'. Clients that send no Origin (non-browsers) pass. */
export type AuthSettings = Pick<NotificationSettings, 'PUSH_TOKEN_SECRET' | 'PUSH_ALLOWED_ORIGINS'>;

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
  const secret = config.PUSH_TOKEN_SECRET;
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
    const check = verifyToken(secret, token);
    if (!check.ok) throw notificationProblems.problem('unauthorized', `token ${check.reason}`);
    claimsOf.set(request, check.claims);
  };
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const protocols = request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()) ?? [];
  return protocols.find((p) => p.startsWith(bearerPrefix))?.slice(bearerPrefix.length);
}
