import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientCertificateCheck, parseClientPeers } from './client-certificates.ts';

const order = 'spiffe://commlab/order';
const check = clientCertificateCheck(parseClientPeers(`order=${order},lab-console=spiffe://commlab/console`));

/** A token request as node hands it over: on the reader's port, or over mTLS from a peer. */
function tokenRequest(client: string | undefined, peer?: string, path = '/token'): IncomingMessage {
  const socket =
    peer === undefined ? {} : { encrypted: true, getPeerCertificate: () => ({ subjectaltname: `DNS:x, URI:${peer}` }) };
  const authorization =
    client === undefined ? undefined : `Basic ${Buffer.from(`${client}:secret`).toString('base64')}`;
  return { method: 'POST', url: path, headers: { authorization }, socket } as unknown as IncomingMessage;
}

describe('the token endpoint: which certificate a client needs', () => {
  it("takes order's secret only from order's certificate", () => {
    expect(check(tokenRequest('order', order))).toBeUndefined();
    expect(check(tokenRequest('order', 'spiffe://commlab/notification'))).toMatchObject({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: `client order authenticates only with the certificate of ${order}, not spiffe://commlab/notification`,
      },
    });
    expect(check(tokenRequest('order'))).toMatchObject({
      status: 401,
      body: { error_description: expect.stringContaining('over mTLS on the service port') },
    });
  });

  it("keeps unbound clients on the reader's port, and off the service port", () => {
    expect(check(tokenRequest('lab-cli'))).toBeUndefined();
    expect(check(tokenRequest('lab-cli', order))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('leaves public clients (no Basic header) and other paths to oidc-provider', () => {
    expect(check(tokenRequest(undefined, 'spiffe://commlab/console'))).toBeUndefined();
    expect(check(tokenRequest('order', undefined, '/jwks'))).toBeUndefined();
  });

  it('checks nothing when no client is bound (the earlier labs)', () => {
    expect(clientCertificateCheck(parseClientPeers(undefined))(tokenRequest('order'))).toBeUndefined();
  });
});
