import { AuthError } from './auth-error.ts';

/** Throws 403 insufficient_scope (naming every scope needed) unless the token has all of them. */
export function requireScopes(token: { scopes: ReadonlySet<string> }, required: Iterable<string>): void {
  const needed = [...required];
  const missing = needed.filter((scope) => !token.scopes.has(scope));
  if (missing.length > 0) {
    throw new AuthError('scope', `the token lacks scope ${missing.join(', ')}`, { requiredScopes: needed });
  }
}
