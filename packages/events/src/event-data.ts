import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { PoisonEventError } from './bus.ts';
import type { CloudEvent } from './envelope.ts';

/**
 * An event's data checked against its contract. Data that does not match can never be
 * processed, however often it is redelivered: it is a poison event, dead-lettered with the
 * reason, which names each field that is wrong (`data.customerId is missing`).
 */
export function eventData<T extends TSchema>(event: CloudEvent, schema: T): Static<T> {
  if (Value.Check(schema, event.data)) return event.data as Static<T>;
  throw new PoisonEventError(`${event.type} ${event.id}: ${dataProblems(schema, event.data).join('; ')}`);
}

/** One line per wrong field: missing ones by name, a value outside a list of literals with the list. */
function dataProblems(schema: TSchema, data: unknown): string[] {
  const problems = new Map<string, string>();
  const allowed = new Map<string, unknown[]>();
  for (const error of Value.Errors(schema, data)) {
    const at = `data${error.instancePath.replaceAll('/', '.')}`;
    const params = error.params as { requiredProperties?: string[]; allowedValue?: unknown };
    if (error.keyword === 'required') {
      for (const name of params.requiredProperties ?? []) problems.set(`${at}.${name}`, 'is missing');
    } else if (error.keyword === 'const') {
      allowed.set(at, [...(allowed.get(at) ?? []), params.allowedValue]);
    } else if (!problems.has(at)) {
      problems.set(at, error.message);
    }
  }
  for (const [at, values] of allowed) problems.set(at, `must be one of ${values.join(', ')}`);
  return [...problems].map(([at, problem]) => `${at} ${problem}`);
}
