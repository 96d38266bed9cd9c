import { describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.ts';
import { bearerToken } from './bearer.ts';
import { requireScopes } from './scopes.ts';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err as AuthError;
  }
  throw new Error('expected a refusal');
};

describe('reading the bearer token from an Authorization header', () => {
  it('returns the token, whatever the case of the scheme', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('treats no header and another scheme as no credentials (401 without an error code)', () => {
    for (const header of [undefined, '', 'Basic b3JkZXI6c2VjcmV0']) {
      const err = refusal(() => bearerToken(header));
      expect(err).toMatchObject({ reason: 'missing', status: 401, error: undefined });
      expect(err.challenge('order')).toBe('Bearer realm="order"');
    }
  });

  it('refuses a Bearer header that is not exactly one token with 400 invalid_request', () => {
    for (const header of ['Bearer', 'Bearer a b', 'Bearer a,b', ['Bearer a', 'Bearer b']]) {
      expect(refusal(() => bearerToken(header))).toMatchObject({
        reason: 'malformed-header',
        status: 400,
        error: 'invalid_request',
      });
    }
  });
});

describe('the refusal', () => {
  it('names the needed scopes in a 403 challenge and keeps quotes out of the description', () => {
    const err = refusal(() => requireScopes({ scopes: new Set(['orders:read']) }, ['orders:read', 'orders:write']));
    expect(err.status).toBe(403);
    expect(err.challenge('order')).toBe(
      'Bearer realm="order", error="insufficient_scope", error_description="the token lacks scope orders:write", scope="orders:read orders:write"',
    );
    expect(new AuthError('claims', 'a "quoted" \\ value').challenge('x')).toContain(
      `error_description="a 'quoted' ' value"`,
    );
  });

  it('gives 503 no challenge: the client did nothing wrong', () => {
    const err = new AuthError('keys-unavailable', 'down');
    expect(err.challenge('order')).toBeUndefined();
    expect(err.problem()).toEqual({
      type: '/problems/token-keys-unavailable',
      title: expect.any(String),
      status: 503,
      detail: 'down',
    });
  });

  it('lets a token with every needed scope through', () => {
    expect(() => requireScopes({ scopes: new Set(['a', 'b']) }, ['b'])).not.toThrow();
    expect(() => requireScopes({ scopes: new Set() }, [])).not.toThrow();
  });
});
