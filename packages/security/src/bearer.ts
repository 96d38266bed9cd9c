import { AuthError } from './auth-error.ts';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive.
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token in an `Authorization: Bearer …` header. No header, or another scheme, means no
 * bearer credentials (401 without an error code, RFC 6750 §3.1); a Bearer header that is not
 * exactly one well-formed token is a malformed request (400 invalid_request).
 */
export function bearerToken(authorization: string | readonly string[] | undefined): string {
  if (Array.isArray(authorization)) {
    if (authorization.length > 1) throw new AuthError('malformed-header', 'more than one Authorization header');
    authorization = authorization[0];
  }
  if (typeof authorization !== 'string' || authorization.trim() === '') {
    throw new AuthError('missing', 'no access token: send Authorization: Bearer <token>');
  }
  if (!/^bearer(\s|$)/i.test(authorization)) {
    throw new AuthError('missing', 'no bearer access token: send Authorization: Bearer <token>');
  }
  const match = bearer.exec(authorization.trim());
  if (!match)
    throw new AuthError('malformed-header', 'the Authorization header holds no single well-formed bearer token');
  return match[1]!;
}
