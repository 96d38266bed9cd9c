import { InvalidAppendError, type ExpectedVersion } from './errors.ts';
import type { NewEvent } from './events.ts';

const maxStreamIdLength = 200;
const maxTypeLength = 200;
/** One append is one transaction holding the store-wide append lock: keep it short. */
export const maxEventsPerAppend = 1_000;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an append before it reaches the database; the error names the field that is wrong. */
export function validAppend(streamId: unknown, expected: unknown, events: unknown): readonly NewEvent[] {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > maxStreamIdLength) {
    throw new InvalidAppendError('streamId', `must be a string of 1 to ${maxStreamIdLength} characters`);
  }
  if (!isExpectedVersion(expected)) {
    throw new InvalidAppendError('expectedVersion', `must be a whole number ≥ 0 or 'any', got ${String(expected)}`);
  }
  if (!Array.isArray(events) || events.length === 0 || events.length > maxEventsPerAppend) {
    throw new InvalidAppendError('events', `must be an array of 1 to ${maxEventsPerAppend} events`);
  }
  const ids = new Set<string>();
  events.forEach((event: Partial<NewEvent> | null, i) => {
    const at = `events[${i}]`;
    if (typeof event !== 'object' || event === null) throw new InvalidAppendError(at, 'must be an object');
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > maxTypeLength) {
      throw new InvalidAppendError(`${at}.type`, `must be a string of 1 to ${maxTypeLength} characters`);
    }
    if (!isJson(event.data)) throw new InvalidAppendError(`${at}.data`, 'must be a JSON value (not undefined)');
    if (event.metadata !== undefined && !isPlainObject(event.metadata)) {
      throw new InvalidAppendError(`${at}.metadata`, 'must be an object');
    }
    if (event.metadata !== undefined && !isJson(event.metadata)) {
      throw new InvalidAppendError(`${at}.metadata`, 'must be JSON');
    }
    if (event.id !== undefined) {
      if (typeof event.id !== 'string' || !uuid.test(event.id))
        throw new InvalidAppendError(`${at}.id`, 'must be a UUID');
      if (ids.has(event.id.toLowerCase())) throw new InvalidAppendError(`${at}.id`, 'repeats an id of this append');
      ids.add(event.id.toLowerCase());
    }
  });
  return events as NewEvent[];
}

export function isExpectedVersion(value: unknown): value is ExpectedVersion {
  return value === 'any' || (Number.isSafeInteger(value) && (value as number) >= 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Survives JSON.stringify unchanged in meaning: no undefined, functions, bigints or cycles. */
function isJson(value: unknown): boolean {
  if (value === undefined) return false;
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}
