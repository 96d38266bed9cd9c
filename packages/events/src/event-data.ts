import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { PoisonEventError } from './bus.ts';
import type { CloudEvent } from './envelope.ts';

/**
 * An event's data checked against its contract. Data that does not match can never be
 * processed, however often it is redelivered: it is a poison event, dead-lettered with the reason.
 */
export function eventData<T extends TSchema>(event: CloudEvent, schema: T): Static<T> {
  if (Value.Check(schema, event.data)) return event.data as Static<T>;
  const problems = Value.Errors(schema, event.data).map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new PoisonEventError(`${event.type} ${event.id}: ${[...new Set(problems)].join('; ')}`);
}
