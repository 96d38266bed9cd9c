/**
 * A fault dialled on one edge (`order-inventory`: calls from order to inventory). Every field is
 * optional; an empty dial is no fault. What a reader types (`latency=800ms jitter=200ms
 * errors=30% status=UNAVAILABLE`) is parsed here, and refused naming the value it cannot use.
 */
export interface FaultDial {
  /** Added before the call reaches its handler. */
  latencyMs?: number;
  /** Each call's latency varies by up to this much either way (uniformly), never below 0. */
  jitterMs?: number;
  /** Share of calls answered with `status` instead of reaching the handler, 0–1. */
  errorRate?: number;
  /** The status an error answers with: a gRPC status name (UNAVAILABLE) or an HTTP status (503). */
  status?: string;
  /** Every call is cut off without an answer from the handler (the connection-reset case). */
  abort?: boolean;
  /** Every call is accepted and never answered: the caller waits until its own deadline. */
  blackhole?: boolean;
}

/** Edge names: `caller-callee`, the services' names in the lab. */
export const edgePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const grpcStatusNames = [
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export class DialError extends Error {}

/** `800ms`, `5s`, `1.5s`, or a bare number of milliseconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) throw new DialError(`${name}: "${text}" is not a duration (use e.g. 800ms or 5s)`);
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  if (ms > 600_000) throw new DialError(`${name}: "${text}" is longer than 10 minutes`);
  return Math.round(ms);
}

/** `30%` or a fraction `0.3`; 0–100 %. */
export function parseRate(name: string, text: string): number {
  const match = /^(-?\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  const rate = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) throw new DialError(`${name}: "${text}" is not a rate between 0% and 100%`);
  return rate;
}

function parseStatus(text: string): string {
  const upper = text.trim().toUpperCase();
  if ((grpcStatusNames as readonly string[]).includes(upper)) return upper;
  if (/^[1-5]\d\d$/.test(upper) && Number(upper) >= 400) return upper;
  throw new DialError(`status: "${text}" is neither a gRPC status name (e.g. UNAVAILABLE) nor an HTTP status 400–599`);
}

/** Reads `key=value` words (and the bare words `abort`, `blackhole`) into a dial. */
export function parseDial(words: readonly string[]): FaultDial {
  const dial: FaultDial = {};
  for (const word of words) {
    const [key, value] = word.includes('=')
      ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      : [word, undefined];
    switch (key) {
      case 'latency':
        dial.latencyMs = parseDuration(key, value ?? '');
        break;
      case 'jitter':
        dial.jitterMs = parseDuration(key, value ?? '');
        break;
      case 'errors':
        dial.errorRate = parseRate(key, value ?? '');
        break;
      case 'status':
        dial.status = parseStatus(value ?? '');
        break;
      case 'abort':
      case 'blackhole':
        if (value !== undefined && value !== 'on') throw new DialError(`${key}: "${value}" — write just "${key}"`);
        dial[key] = true;
        break;
      default:
        throw new DialError(
          `"${word}" is not a dial; use latency=800ms jitter=200ms errors=30% status=UNAVAILABLE abort blackhole`,
        );
    }
  }
  if (dial.status !== undefined && dial.errorRate === undefined) dial.errorRate = 1;
  return dial;
}

/** A dial as the reader would type it (for logs, `lab fault` and `lab verify`). */
export function describeDial(dial: FaultDial): string {
  const parts: string[] = [];
  if (dial.latencyMs) parts.push(`latency=${dial.latencyMs}ms`);
  if (dial.jitterMs) parts.push(`jitter=${dial.jitterMs}ms`);
  if (dial.errorRate) parts.push(`errors=${Math.round(dial.errorRate * 1000) / 10}%`);
  if (dial.status) parts.push(`status=${dial.status}`);
  if (dial.abort) parts.push('abort');
  if (dial.blackhole) parts.push('blackhole');
  return parts.join(' ') || 'none';
}

export function isActive(dial: FaultDial | undefined): dial is FaultDial {
  return Boolean(dial && (dial.latencyMs || dial.jitterMs || dial.errorRate || dial.abort || dial.blackhole));
}

/** How long this call waits: latency ± jitter, never below 0. */
export function delayOf(dial: FaultDial, random = Math.random): number {
  const jitter = dial.jitterMs ? (random() * 2 - 1) * dial.jitterMs : 0;
  return Math.max(0, Math.round((dial.latencyMs ?? 0) + jitter));
}
