import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A minimal bearer token: base64url(JSON claims) "." base64url(HMAC-SHA256). It carries the
 * customer id the holder may listen to and an expiry. Chapter 9 replaces it with OAuth2 JWTs
 * verified by JWKS; until then a shared secret from configuration signs and checks it.
 */
export interface TokenClaims {
  /** The customer id. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck =
  { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const encode = (text: string) => Buffer.from(text).toString('base64url');
const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export function signToken(secret: string, customerId: string, ttlSeconds = 3600, now = Date.now()): string {
  const payload = encode(JSON.stringify({ sub: customerId, exp: Math.floor(now / 1000) + ttlSeconds }));
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

export function verifyToken(secret: string, token: string, now = Date.now()): TokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { sub: claims.sub, exp: claims.exp } };
}
