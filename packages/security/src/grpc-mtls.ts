import {
  experimental,
  status,
  type ChannelCredentials,
  type ServerCredentials,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { metadataGate, probes } from './grpc-gate.ts';

/** A service's certificate, its key and the CA it trusts: files, re-read when they change. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
  /** How often the files are read again (rotation by `certs.sh issue`); default 2 s. */
  refreshMs?: number;
}

// grpc-js's own file watcher: a new certificate or CA applies to new connections, while open
// ones keep the one they shook hands with, so a rotation drops no call.
const watch = ({ ca, cert, key, refreshMs = 2_000 }: TlsFiles) =>
  new experimental.FileWatcherCertificateProvider({
    caCertificateFile: ca,
    certificateFile: cert,
    privateKeyFile: key,
    refreshIntervalMs: refreshMs,
  });

/** Server credentials that require a client certificate from the given CA (mTLS). */
export function mtlsServerCredentials(files: TlsFiles): ServerCredentials {
  const provider = watch(files);
  return experimental.createCertificateProviderServerCredentials(provider, provider, true);
}

/** Channel credentials that check the server against the CA and present this service's certificate. */
export function mtlsChannelCredentials(files: TlsFiles): ChannelCredentials {
  const provider = watch(files);
  return experimental.createCertificateProviderChannelCredentials(provider, provider);
}

/** The SPIFFE ID in a peer certificate's URI SAN (`spiffe://commlab/order`), if it has one. */
export function spiffeIdOf(subjectAltName: string | undefined): string | undefined {
  const uris = (subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('URI:spiffe://'))
    .map((entry) => entry.slice('URI:'.length));
  // An X.509-SVID has exactly one URI SAN; a certificate with more identifies no one.
  return uris.length === 1 ? uris[0] : undefined;
}

export interface PeerPolicyOptions {
  /** The SPIFFE IDs that may call each method, by full path. */
  allow: Readonly<Record<string, readonly string[]>>;
  /** Methods any peer with a valid certificate may call. Default: the health service and reflection. */
  open?: (path: string) => boolean;
}

/**
 * Authorizes a call by who the peer proved to be in the TLS handshake: the SPIFFE ID of its
 * client certificate must be listed for the method, or the call ends PERMISSION_DENIED before
 * the handler runs. Unlisted methods are refused (deny by default). The handshake itself has
 * already refused a peer without a certificate from the trusted CA.
 */
export function peerIdentityInterceptor(options: PeerPolicyOptions): ServerInterceptor {
  return metadataGate(options.open ?? probes, (path, _metadata, call) => {
    const peer = spiffeIdOf(call.getAuthContext().sslPeerCertificate?.subjectaltname);
    if (peer && options.allow[path]?.includes(peer)) return undefined;
    return { code: status.PERMISSION_DENIED, details: `${peer ?? 'a peer without a SPIFFE ID'} may not call ${path}` };
  });
}
