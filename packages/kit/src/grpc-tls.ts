/**
 * Channel options for a gRPC client that reaches `address` (host:port, or several
 * comma-separated) over TLS. grpc-js sends the target's host as the TLS server name, and Node
 * deprecates an IP address there (DEP0123, RFC 6066; a warning on the service's output): for
 * the loopback address the client asks for `localhost` instead, and checks the certificate
 * against that name — the same machine, and a name every lab certificate carries
 * (infra/certs). Other targets keep their own name.
 */
export function tlsTargetOptions(address: string): { 'grpc.ssl_target_name_override'?: string } {
  const hosts = address.split(',').map((one) =>
    one
      .trim()
      .replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, ''),
  );
  return hosts.every((host) => host === '127.0.0.1' || host === '::1')
    ? { 'grpc.ssl_target_name_override': 'localhost' }
    : {};
}
