import autocannon from 'autocannon';
import { H2CClient, Pool, type Dispatcher } from 'undici';
import { RequestError } from '../errors.ts';
import type { BenchRequest, RunBounds, Send } from '../open-loop.ts';
import type { RunResult } from '../result.ts';

export interface HttpCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path, or a function of the request (e.g. to spread reads over many ids). */
  path: string | ((request: BenchRequest) => string);
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Statuses that count as success; default any 2xx or 304. */
  ok?: (status: number) => boolean;
}

export interface HttpClientOptions {
  /** HTTP/1.1 keep-alive pool (default), HTTP/1.1 with a new connection per request, or h2c (HTTP/2 without TLS). */
  protocol?: 'http1' | 'http1-no-keepalive' | 'h2c';
  /** HTTP/1.1 connections in the pool (undici opens up to this many). Default 10. */
  connections?: number;
  /** Requests in flight per connection: HTTP/1.1 pipelining, or concurrent HTTP/2 streams. Default 1 (HTTP/2: 100). */
  pipelining?: number;
  /** Sent with every request, e.g. { 'accept-encoding': 'gzip' }. */
  headers?: Record<string, string>;
}

export interface HttpDriver {
  /** A Send for the open or closed loop: one call per request, its body read to the end. */
  send(call: HttpCall): Send;
  /** Bytes of response bodies read so far (what crossed the wire, compressed or not). */
  readonly bytesRead: number;
  close(): Promise<void>;
}

const defaultOk = (status: number) => (status >= 200 && status < 300) || status === 304;

/**
 * An HTTP client for the harness on undici: a keep-alive pool of HTTP/1.1 connections, a
 * fresh connection per request, or one HTTP/2 cleartext connection multiplexing streams.
 */
export function httpDriver(origin: string, options: HttpClientOptions = {}): HttpDriver {
  const { protocol = 'http1', connections = 10 } = options;
  const dispatcher: Dispatcher =
    protocol === 'h2c'
      ? new H2CClient(origin, { pipelining: options.pipelining ?? 100 })
      : // undici's pipelining 0 turns keep-alive off: each request opens (and closes) a connection.
        new Pool(origin, {
          connections,
          pipelining: protocol === 'http1-no-keepalive' ? 0 : (options.pipelining ?? 1),
        });
  let bytesRead = 0;
  return {
    send(call) {
      const ok = call.ok ?? defaultOk;
      const method = call.method ?? 'GET';
      const headers = { ...options.headers, ...call.headers };
      return async (request) => {
        const path = typeof call.path === 'function' ? call.path(request) : call.path;
        const response = await dispatcher.request({
          origin,
          path,
          method,
          headers,
          ...(call.body !== undefined && { body: call.body }),
        });
        for await (const chunk of response.body) bytesRead += (chunk as Buffer).length;
        if (!ok(response.statusCode)) throw new RequestError(`http ${response.statusCode}`);
        return response.statusCode;
      };
    },
    get bytesRead() {
      return bytesRead;
    },
    close: () => dispatcher.close(),
  };
}

export interface AutocannonOptions extends Omit<RunBounds, 'maxRequests'> {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Connections, each sending its next request when the previous is answered. Default 10. */
  connections?: number;
  pipelining?: number;
}

/**
 * Closed loop over HTTP/1.1 with autocannon: the most req/s a server gives at a concurrency.
 * Its client is leaner than undici's, so it measures the server rather than the client. Its
 * latencies have 1 ms resolution and count from the actual send (coordinated omission).
 */
export async function autocannonRun(options: AutocannonOptions): Promise<RunResult> {
  const connections = options.connections ?? 10;
  const seconds = (ms: number) => Math.max(1, Math.round(ms / 1_000));
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    ...(options.headers && { headers: options.headers }),
    ...(options.body !== undefined && { body: options.body }),
    connections,
    pipelining: options.pipelining ?? 1,
    duration: seconds(options.durationMs),
    timeout: seconds(options.timeoutMs ?? 10_000),
    ...(options.warmupMs && { warmup: { connections, duration: seconds(options.warmupMs) } }),
  });
  const ok = result['2xx'] + (result.statusCodeStats?.['304']?.count ?? 0);
  const errors: Record<string, number> = {};
  for (const [status, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    const code = Number(status);
    if (!defaultOk(code) && count > 0) errors[`http ${status}`] = count;
  }
  if (result.timeouts > 0) errors.timeout = result.timeouts;
  if (result.errors - result.timeouts > 0) errors['connection error'] = result.errors - result.timeouts;
  const l = result.latency;
  const spectrum = (
    [
      [0, l.min],
      [50, l.p50],
      [75, l.p75],
      [90, l.p90],
      [97.5, l.p97_5],
      [99, l.p99],
      [99.9, l.p99_9],
      [99.99, l.p99_99],
      [100, l.max],
    ] as const
  ).map(([percentile, ms]) => ({ percentile, ms }));
  return {
    mode: 'closed',
    achievedRate: ok / result.duration,
    sent: ok + Object.values(errors).reduce((a, b) => a + b, 0),
    ok,
    errors,
    durationMs: result.duration * 1_000,
    latency: {
      count: ok,
      min: l.min,
      mean: l.mean,
      p50: l.p50,
      p90: l.p90,
      p99: l.p99,
      p999: l.p99_9,
      max: l.max,
    },
    spectrum,
    concurrency: connections * (options.pipelining ?? 1),
  };
}
