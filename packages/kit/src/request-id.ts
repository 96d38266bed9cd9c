import { randomUUID } from 'node:crypto';

/**
 * One request id follows a request across every hop: HTTP header `x-request-id` in and out,
 * gRPC metadata of the same name, and the `requestId` field of every log line on the way.
 */
export const requestIdHeader = 'x-request-id';

// Printable and short: a caller's id lands in our logs and headers, so it may not smuggle
// in new lines, control characters or megabytes.
const acceptable = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;

/** The caller's request id when it is acceptable, otherwise a new one. */
export function requestIdFrom(value: unknown): string {
  const given = Array.isArray(value) ? value[0] : value;
  if (Buffer.isBuffer(given)) return requestIdFrom(given.toString('utf8'));
  return typeof given === 'string' && acceptable.test(given) ? given : randomUUID();
}
