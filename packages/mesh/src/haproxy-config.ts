import type { SidecarSpec } from './sidecar-spec.ts';

export interface RenderOptions {
  /** Interface the sidecar listens on: 127.0.0.1 natively, 0.0.0.0 in a container. */
  host: string;
  /** Folder with ca.crt and <identity>.pem (certificate + key), from infra/certs/certs.sh. */
  certs: string;
  /** Where the workload itself listens: 127.0.0.1 natively, its service name in Compose. */
  appHost: string;
  /**
   * The inbound fault dial: a map file of `abort <percent>` (answer 503) and `hang <percent>`
   * (answer nothing), changed through the runtime API (`set map`) while the sidecar runs.
   */
  faultsFile: string;
}

/** Health checks: one a second; `rise` good ones in a row bring an ejected or down version back. */
const rise = 2;

/** How long a sidecar waits for a connection to a peer: the same in the Kubernetes manifests. */
export const connectTimeoutMs = 1000;

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
    `    timeout connect ${connectTimeoutMs}ms`,
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
      // The fault dial (0 unless a test or the reader turns it): answer 503 to a share of the
      // requests, or hold a share unanswered, as a failing or hanging workload would. It sits
      // in the sidecar because an HTTP status is what a proxy sees: gRPC's own errors travel
      // as HTTP 200 with grpc-status in the trailers. Health checks (monitor-uri) never see it.
      '    timeout tarpit 60s',
      `    http-request set-var(txn.abort) str(abort),map_str_int(${q(faultsFile)},0)`,
      `    http-request set-var(txn.hang) str(hang),map_str_int(${q(faultsFile)},0)`,
      '    http-request return status 503 content-type text/plain string "fault dial: abort" if { rand(100),sub(txn.abort) -m int lt 0 }',
      '    http-request tarpit deny_status 503 if { rand(100),sub(txn.hang) -m int lt 0 }',
      '    default_backend app',
      '',
      'backend app',
      `    server app ${appHost}:${inbound.appPort}${inbound.protocol === 'grpc' ? ' proto h2' : ''} check inter 1s fall 2 rise 1`,
    );
  }
  for (const out of spec.outbound) {
    const alpn = out.protocol === 'grpc' ? 'h2' : 'http/1.1';
    // Between the two layers: h2c for gRPC (trailers and all), HTTP/1.1 otherwise.
    const inner = out.protocol === 'grpc' ? ' proto h2' : '';
    const perTry = out.timeoutMs ?? 30_000;
    lines.push(
      '',
      `# Outbound to ${out.upstream}: the service calls ${host}:${out.port} in plain text${out.protocol === 'grpc' ? ' (h2c)' : ''}.`,
      `frontend outbound_${out.upstream}`,
      `    bind ${host}:${out.port}`,
      `    default_backend ${out.upstream}`,
      '',
      // Two layers, because HAProxy 2.6 decides an L7 retry before it observes the answer
      // (http_wait_for_response: do_l7_retry returns ahead of health_adjust): an error that is
      // retried never counts towards ejecting the version. So this backend splits and retries,
      // over one proxy per version that observes every answer and ejects; the split's servers
      // track those proxies' servers.
      `# The split and the retries; each version's state is tracked from its own proxy below.`,
      `backend ${out.upstream}`,
      '    balance random(1)',
      // Above the longest a version's proxy can take over a try (queue, connect, per-try), so
      // that it answers first — a 504 it counts against the version — and this layer retries it.
      `    timeout server ${splitTimeoutMs(perTry)}ms`,
      ...retryLines(out),
      ...out.servers.map(
        (s) =>
          `    server ${s.name} ${innerSocket(spec, out, s.name)}${inner} weight ${s.weight} track ${out.upstream}_${s.name}/${s.name}`,
      ),
    );
    for (const server of out.servers) {
      lines.push(
        '',
        `# ${out.upstream} ${server.name}: mTLS to its sidecar, health checks${out.outlierDetection ? ', outlier ejection' : ''}.`,
        `listen ${out.upstream}_${server.name}`,
        `    bind ${innerSocket(spec, out, server.name)}${inner}`,
        `    timeout server ${perTry}ms`,
        // Explicit, not HAProxy's default (timeout connect): a try that queued for a connection
        // slot must still end here, within the split layer's timeout, or the split aborts it —
        // a failure the version never answered, which does not count against it. Queued too
        // long, a try ends here (503), and the split retries it on another version.
        `    timeout queue ${queueTimeoutMs(perTry)}ms`,
        '    option httpchk GET /healthz',
        // The checks speak HTTP/1.1 (check-alpn); they would otherwise inherit alpn h2.
        `    server ${server.name} ${server.addr} ssl crt ${pem} ca-file ${ca} verify required verifyhost ${out.identity} alpn ${alpn} check check-alpn http/1.1 inter 1s fall 2 rise ${rise}${outlierOptions(out)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

type Outbound = SidecarSpec['outbound'][number];

/** How long a try may wait in a version's proxy for a connection slot: a quarter of the per-try timeout, at most 500 ms. */
export function queueTimeoutMs(perTryMs: number): number {
  return Math.max(1, Math.min(500, Math.floor(perTryMs / 4)));
}

/**
 * The split layer's timeout: the longest a version's proxy takes over one try — queued, then
 * connecting (the TLS handshake included), then the per-try timeout — and 250 ms for its answer
 * to come back.
 */
export function splitTimeoutMs(perTryMs: number): number {
  return queueTimeoutMs(perTryMs) + connectTimeoutMs + perTryMs + 250;
}

/**
 * The abstract socket between the two layers. Abstract names are shared by everything in one
 * network namespace — every process on a machine, every container on the host network — so the
 * outbound port, which only one running sidecar can hold, makes it this sidecar's own (a test's
 * lab 07 beside a reader's failed on the same name).
 */
function innerSocket(spec: SidecarSpec, out: Outbound, server: string): string {
  return `abns@${spec.workload}-${out.port}-${out.upstream}-${server}`;
}

/** The route's retries, in the caller's sidecar: none unless the mesh asks for them. */
function retryLines({ retries }: Outbound): string[] {
  if (!retries) return ['    retries 0'];
  return [
    `    retries ${retries.attempts}`,
    // What HAProxy can see go wrong. Not gRPC's own errors: those come as HTTP 200 with
    // grpc-status in the trailers, after the answer has started, too late to retry.
    '    retry-on conn-failure empty-response response-timeout 502 503 504',
    // Every retry on a version picked anew, not the one that just failed.
    '    option redispatch 1',
    // HAProxy retries only a request it still holds whole: wait for a gRPC request's body
    // (it may follow the headers in a frame of its own) before sending it.
    '    option http-buffer-request',
  ];
}

/**
 * Passive outlier detection: HAProxy watches the answers (observe layer7: a 5xx but 501/505, a
 * timeout, a broken connection is an error); `consecutiveErrors` in a row mark the version down
 * at once. It returns after `rise` good health checks `fastinter` apart: about `ejectionMs`.
 */
function outlierOptions({ outlierDetection }: Outbound): string {
  if (!outlierDetection) return '';
  const { consecutiveErrors, ejectionMs } = outlierDetection;
  return ` observe layer7 error-limit ${consecutiveErrors} on-error mark-down fastinter ${Math.ceil(ejectionMs / rise)}ms`;
}
