import type { SidecarSpec } from './sidecar-spec.ts';

export interface RenderOptions {
  /** Interface the sidecar listens on: 127.0.0.1 natively, 0.0.0.0 in a container. */
  host: string;
  /** Folder with ca.crt and <identity>.pem (certificate + key), from infra/certs/certs.sh. */
  certs: string;
  /** Where the workload itself listens: 127.0.0.1 natively, its service name in Compose. */
  appHost: string;
  /** The inbound fault dial: a map file holding `abort <percent>`, changed through the runtime API. */
  faultsFile: string;
}

/**
 * The DER bytes of a certificate's URI SAN naming `id`, in hex: tag 0x86
 * (uniformResourceIdentifier), one length byte, the URI. HAProxy 2.6 has no fetch for a
 * certificate's SANs, so the authorization rule looks for these bytes in the verified peer
 * certificate; the length byte keeps spiffe://commlab/order from matching .../order-x.
 */
export function spiffeSanHex(trustDomain: string, identity: string): string {
  const uri = Buffer.from(`spiffe://${trustDomain}/${identity}`, 'ascii');
  if (uri.length > 127) throw new Error(`SPIFFE ID too long for a one-byte DER length: ${uri.toString()}`);
  return Buffer.concat([Buffer.from([0x86, uri.length]), uri])
    .toString('hex')
    .toUpperCase();
}

/**
 * One sidecar's HAProxy configuration. Inbound: mTLS with the workload's certificate, a client
 * certificate from the mesh CA required, callers admitted by SPIFFE ID, plain HTTP (or h2c for
 * gRPC) to the local service. Outbound: a plain listener per upstream the service calls, mTLS
 * (HTTP/2 for gRPC) to the upstream's versions by weight, the weights changeable at runtime.
 */
export function haproxyConfig(spec: SidecarSpec, { host, certs, appHost, faultsFile }: RenderOptions): string {
  const q = (path: string) => `"${path.replaceAll('"', '\\"')}"`;
  const pem = q(`${certs}/${spec.identity}.pem`);
  const ca = q(`${certs}/ca.crt`);
  const lines: string[] = [
    `# ${spec.workload}'s sidecar (spiffe://${spec.trustDomain}/${spec.identity}), rendered by @commlab/mesh from the`,
    '# lab definition; regenerated at every start, never edited.',
    'global',
    '    log stdout format raw local0 notice',
    // Without maxconn HAProxy sizes itself after the file limit, which can be huge in a container.
    '    maxconn 2048',
    `    stats socket ipv4@${host}:${spec.adminPort} level admin`,
    '    hard-stop-after 10s',
    '',
    'defaults',
    '    log global',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    timeout check 1s',
    '',
    '# Readiness for the lab runner and Prometheus metrics (per frontend, backend and server).',
    'frontend health',
    `    bind ${host}:${spec.healthPort}`,
    '    monitor-uri /readyz',
    ...spec.outbound.map((o) => `    monitor fail if { nbsrv(${o.upstream}) lt 1 }`),
    ...(spec.inbound ? ['    monitor fail if { nbsrv(app) lt 1 }'] : []),
    '    http-request use-service prometheus-exporter if { path /metrics }',
  ];
  if (spec.inbound) {
    const { inbound } = spec;
    const allowed = inbound.allow.map((id) => spiffeSanHex(spec.trustDomain, id));
    lines.push(
      '',
      `# Inbound: only mTLS with a certificate of the mesh CA; only ${inbound.allow.join(', ')} may call.`,
      'frontend inbound',
      `    bind ${host}:${inbound.port} ssl crt ${pem} ca-file ${ca} verify required alpn h2,http/1.1`,
      // Callers' sidecars check this workload's health here (over the same mTLS).
      '    monitor-uri /healthz',
      '    monitor fail if { nbsrv(app) lt 1 }',
      ...allowed.map(
        (hex, i) => `    acl allowed ssl_c_der,hex -m sub ${hex}  # spiffe://${spec.trustDomain}/${inbound.allow[i]}`,
      ),
      '    http-request deny status 403 unless allowed',
      // The fault dial (0 unless a test or the reader turns it): answer 503 to that share of
      // requests, as a failing workload would. Health checks (monitor-uri above) never see it.
      `    http-request set-var(txn.abort) str(abort),map_str_int(${q(faultsFile)},0)`,
      '    http-request return status 503 content-type text/plain string "fault injected by the sidecar" if { rand(100),sub(txn.abort) -m int lt 0 }',
      '    default_backend app',
      '',
      'backend app',
      `    server app ${appHost}:${inbound.appPort}${inbound.protocol === 'grpc' ? ' proto h2' : ''} check inter 1s fall 2 rise 1`,
    );
  }
  for (const out of spec.outbound) {
    const alpn = out.protocol === 'grpc' ? 'h2' : 'http/1.1';
    lines.push(
      '',
      `# Outbound to ${out.upstream}: the service calls ${host}:${out.port} in plain text${out.protocol === 'grpc' ? ' (h2c)' : ''}.`,
      `frontend outbound_${out.upstream}`,
      `    bind ${host}:${out.port}`,
      `    default_backend ${out.upstream}`,
      '',
      `backend ${out.upstream}`,
      '    balance random(1)',
      '    option httpchk GET /healthz',
      // The checks speak HTTP/1.1 (check-alpn); they would otherwise inherit alpn h2.
      `    default-server ssl crt ${pem} ca-file ${ca} verify required verifyhost ${out.identity} alpn ${alpn} check check-alpn http/1.1 inter 1s fall 2 rise 2${
        out.outlierDetection ? ` observe layer7 error-limit ${out.outlierDetection.consecutiveErrors} on-error mark-down` : ''
      }`,
      ...out.servers.map((s) => `    server ${s.name} ${s.addr} weight ${s.weight}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function retryLines(out: SidecarSpec['outbound'][number]): string[] {
  if (!out.retries) return ['    retries 0'];
  const { attempts, perTryTimeoutMs, budgetPercent } = out.retries;
  return [
    `    # Retries: up to ${attempts} more tries, each on a version picked anew; ${perTryTimeoutMs} ms per try.`,
    `    retries ${attempts}`,
    '    retry-on conn-failure empty-response response-timeout 502 503 504',
    '    option redispatch 1',
    // A request is retried only if HAProxy still holds all of it: wait for the whole (small)
    // gRPC request before sending it, as an HTTP/2 request body may arrive after the headers.
    '    option http-buffer-request',
    `    timeout server ${perTryTimeoutMs}ms`,
    // The retry budget: HAProxy 2.6 has none built in. One stick-table entry counts this
    // backend's requests and failed answers over 10 s; above the budget, retrying stops.
    '    stick-table type integer size 1 expire 30s store http_req_rate(10s),http_fail_rate(10s)',
    '    http-request track-sc1 int(1)',
    '    http-request set-var(txn.failed) sc1_http_fail_rate,mul(100)',
    '    http-request set-var(txn.requests) sc1_http_req_rate',
    `    http-request disable-l7-retry if { var(txn.requests) -m int ge 20 } { var(txn.failed),div(txn.requests) -m int gt ${budgetPercent} }`,
  ];
}
