import { status as grpcStatus } from '@grpc/grpc-js';

/**
 * A failed request with the kind it is counted under ("http 503", "timeout", "grpc UNAVAILABLE").
 * Drivers throw it for answers that arrived but are not what was asked (a 5xx, a refusal).
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly kind: string;

  constructor(kind: string, message = kind) {
    super(message);
    this.kind = kind;
  }
}

const grpcNames = new Map(Object.entries(grpcStatus).map(([name, code]) => [code, name]));

/**
 * The kind a failure is counted under: the driver's own kind, a gRPC status name, a socket
 * or undici error code (ECONNREFUSED, UND_ERR_SOCKET...), else the error's name. Few distinct
 * kinds, so a report can list them all.
 */
export function errorKind(err: unknown): string {
  if (err instanceof RequestError) return err.kind;
  if (err === null || typeof err !== 'object') return 'error';
  const { code, name } = err as { code?: unknown; name?: unknown; metadata?: unknown };
  // grpc-js errors carry a numeric status code and metadata.
  if (typeof code === 'number' && 'metadata' in err) return `grpc ${grpcNames.get(code) ?? code}`;
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'error';
}

/** Counts failures by kind. */
export class ErrorCounts {
  readonly #counts = new Map<string, number>();

  count(kind: string, n = 1): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + n);
  }

  get total(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([, a], [, b]) => b - a));
  }
}
