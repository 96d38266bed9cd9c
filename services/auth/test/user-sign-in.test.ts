import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, signIn, type SignInOptions } from '@commlab/security';
import { startAuthServer, type AuthServer } from './helpers.ts';

describe('a reader signing in (authorization code with PKCE) on the real authorization server', () => {
  let auth: AuthServer;
  let reader: SignInOptions;
  beforeAll(async () => {
    auth = await startAuthServer({ AUTH_KEY_PUBLISH_LEAD_S: '0' });
    reader = {
      issuer: auth.issuer,
      clientId: 'lab-cli',
      redirectUri: 'http://127.0.0.1/callback',
      username: 'reader-1',
      password: 'reader-1-password',
      resource: 'urn:commlab:order',
      scope: 'orders:read',
    };
  });
  afterAll(() => auth?.stop());

  it('gets a signed RFC 9068 token whose subject is the customer, for the resource and scope asked', async () => {
    const tokens = await signIn(reader);
    const verified = await createVerifier({
      issuer: auth.issuer,
      audience: 'urn:commlab:order',
      keys: `${auth.issuer}/jwks`,
    }).verify(tokens.access_token);
    expect(verified).toMatchObject({ subject: 'reader-1', clientId: 'lab-cli' });
    expect([...verified.scopes]).toEqual(['orders:read']);
  });

  it('gets a token for the other resource the client may use, with a separate sign-in', async () => {
    const tokens = await signIn({ ...reader, resource: 'urn:commlab:notification', scope: 'notifications:read' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: 'urn:commlab:notification', sub: 'reader-1' });
  });

  it('refuses a wrong password, an unknown customer, and a resource the client may not use', async () => {
    await expect(signIn({ ...reader, password: 'guess' })).rejects.toThrow(/sign-in refused for reader-1/);
    await expect(signIn({ ...reader, username: 'mallory' })).rejects.toThrow(/sign-in refused for mallory/);
    await expect(signIn({ ...reader, resource: 'urn:commlab:inventory', scope: 'inventory:read' })).rejects.toThrow(
      /invalid_target \(client lab-cli may not get tokens for urn:commlab:inventory\)/,
    );
  });

  it('refuses an authorization request without a PKCE challenge', async () => {
    const authorize = new URL('/auth', auth.issuer);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'lab-cli',
      redirect_uri: reader.redirectUri,
      scope: 'orders:read',
      resource: reader.resource,
    }).toString();
    const response = await fetch(authorize, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!, auth.issuer);
    // No code_challenge: the server refuses before any sign-in, back at the client's redirect URI.
    expect(location.href.startsWith(reader.redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('shows a sign-in page that names the client and what it asks for, and cannot be framed', async () => {
    const authorize = new URL('/auth', auth.issuer);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'lab-cli',
      redirect_uri: reader.redirectUri,
      scope: 'orders:read',
      resource: reader.resource,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const start = await fetch(authorize, { redirect: 'manual' });
    const cookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(start.headers.get('location')!, auth.issuer), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<code>lab-cli</code> asks for <code>orders:read</code>');
    expect(html).toContain('name="password" type="password"');
  });

  it('signs in through another address than the issuer URL (as from the host to a container)', async () => {
    const issuer = 'http://auth.invalid:3090';
    const other = await startAuthServer({ AUTH_ISSUER: issuer });
    try {
      const tokens = await signIn({ ...reader, issuer, baseUrl: other.issuer });
      expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: issuer, sub: 'reader-1' });
    } finally {
      await other.stop();
    }
  });

  it('finishes a sign-in that started before a key rotation (the provider is rebuilt, its state is not lost)', async () => {
    const tokens = await signIn(reader, { beforeSubmit: () => auth.rotate() });
    expect(decodeJwt(tokens.access_token).sub).toBe('reader-1');
  });
});
