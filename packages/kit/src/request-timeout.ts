/**
 * `Request-Timeout: <milliseconds>`: how long the caller will wait for an answer. HTTP has no
 * standard for this (gRPC has `grpc-timeout`), so commlab's HTTP services agree on this header,
 * and pass what is left of it to the services they call.
 */
export const requestTimeoutHeader = 'request-timeout';

export const maxRequestTimeoutMs = 600_000;

/** The header's milliseconds; undefined when absent. Throws a RangeError naming the rule when malformed. */
export function requestTimeoutFrom(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  const ms = /^\d{1,6}$/.test(text ?? '') ? Number(text) : NaN;
  if (!(ms >= 1 && ms <= maxRequestTimeoutMs)) {
    throw new RangeError(
      `${requestTimeoutHeader} must be a whole number of milliseconds from 1 to ${maxRequestTimeoutMs}`,
    );
  }
  return ms;
}
