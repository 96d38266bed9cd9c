import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './token.ts';

const secret = 'a-secret-of-sixteen+';

describe('bearer tokens', () => {
  it('verifies a token it signed and names its customer', () => {
    const check = verifyToken(secret, signToken(secret, 'c-1', 60));
    expect(check).toMatchObject({ ok: true, claims: { sub: 'c-1' } });
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyToken(secret, signToken('another-secret-16+', 'c-1'))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a token whose claims were changed after signing', () => {
    const [, signature] = signToken(secret, 'c-1').split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'c-2', exp: 9e9 })).toString('base64url')}.${signature}`;
    expect(verifyToken(secret, forged)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses an expired token', () => {
    const issued = Date.UTC(2030, 0, 1);
    const token = signToken(secret, 'c-1', 60, issued);
    expect(verifyToken(secret, token, issued + 59_000).ok).toBe(true);
    expect(verifyToken(secret, token, issued + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each(['', 'abc', 'a.b.c', '.', 'not-base64.!!!'])('refuses the malformed token %j', (token) => {
    expect(verifyToken(secret, token).ok).toBe(false);
  });
});
