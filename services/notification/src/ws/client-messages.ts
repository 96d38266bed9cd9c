import type { ErrorCode, SubscribeMessage } from '@commlab/push';

export type Parsed =
  { ok: true; message: SubscribeMessage } | { ok: false; code: ErrorCode; message: string; fatal: boolean };

export const maxOrdersPerSubscribe = 100;

/** Reads one client frame: JSON text with a known `type` and well-formed fields, or a precise refusal. */
export function parseClientFrame(data: Buffer, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, code: 'BINARY_NOT_SUPPORTED', message: 'send JSON text frames', fatal: true };
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'the frame is not valid JSON', fatal: true };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'INVALID_MESSAGE', message: 'a message is a JSON object with a "type"', fatal: false };
  }
  const message = value as Record<string, unknown>;
  if (message.type !== 'subscribe') {
    return {
      ok: false,
      code: 'UNKNOWN_TYPE',
      message: `unknown message type ${JSON.stringify(message.type)}`,
      fatal: false,
    };
  }
  const problems: string[] = [];
  const { after, orders } = message;
  if (after !== undefined && (!Number.isSafeInteger(after) || (after as number) < 0))
    problems.push('after must be a whole number ≥ 0');
  if (
    orders !== undefined &&
    (!Array.isArray(orders) ||
      orders.length === 0 ||
      orders.length > maxOrdersPerSubscribe ||
      orders.some((id) => typeof id !== 'string' || id.length === 0 || id.length > 64))
  ) {
    problems.push(`orders must be 1-${maxOrdersPerSubscribe} order ids`);
  }
  const unknown = Object.keys(message).filter((key) => !['type', 'after', 'orders'].includes(key));
  if (unknown.length > 0) problems.push(`unknown field(s) ${unknown.join(', ')}`);
  if (problems.length > 0) return { ok: false, code: 'INVALID_MESSAGE', message: problems.join('; '), fatal: false };
  return {
    ok: true,
    message: {
      type: 'subscribe',
      ...(after !== undefined && { after: after as number }),
      ...(orders !== undefined && { orders: orders as string[] }),
    },
  };
}
