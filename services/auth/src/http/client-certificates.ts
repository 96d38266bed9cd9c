import type { IncomingMessage } from 'node:http';
import { peerIdentity, type Refusal } from '@commlab/security';

/**
 * Which client's secret only counts from which certificate: `order=spiffe://commlab/order,…`
 * (AUTH_CLIENT_PEERS). Lab 09 binds the services' clients to their SPIFFE IDs, so a leaked
 * secret alone gets no token.
 */
export function parseClientPeers(list: string | undefined): ReadonlyMap<string, string> {
  if (!list) return new Map();
  return new Map(
    list.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
    }),
  );
}

/**
 * The token endpoint's check of who calls, before oidc-provider sees the request: a client
 * bound to a SPIFFE ID authenticates only from a certificate naming it (so only on the mTLS
 * listener), and on the mTLS listener only bound clients authenticate with a secret. The same
 * rule as RFC 8705's tls_client_auth with a SAN URI, checked here because the secret stays too
 * (the readers' and tests' clients keep theirs on the loopback port).
 *
 * Only HTTP Basic is looked at: the registry's confidential clients use client_secret_basic,
 * which oidc-provider holds each of them to, and public clients (PKCE) have no secret to bind.
 */
export function clientCertificateCheck(clientPeers: ReadonlyMap<string, string>) {
  return (request: IncomingMessage): Refusal | undefined => {
    if (clientPeers.size === 0 || request.method !== 'POST') return undefined;
    if (new URL(request.url ?? '/', 'http://auth').pathname !== '/token') return undefined;
    const client = basicClientId(request.headers.authorization);
    if (client === undefined) return undefined;
    const bound = clientPeers.get(client);
    const peer = peerIdentity(request);
    const onMtls = 'encrypted' in request.socket;
    if (bound === undefined && !onMtls) return undefined;
    if (bound !== undefined && bound === peer) return undefined;
    return {
      status: 401,
      contentType: 'application/json',
      body: {
        error: 'invalid_client',
        error_description: bound
          ? `client ${client} authenticates only with the certificate of ${bound}` +
            (peer ? `, not ${peer}` : ', over mTLS on the service port')
          : `client ${client} is bound to no certificate: it asks on the loopback port`,
      },
    };
  };
}

/** The client id of an HTTP Basic header (RFC 6749 §2.3.1: form-encoded before base64). */
function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  if (at < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, at).replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
