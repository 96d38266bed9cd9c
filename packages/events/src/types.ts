/**
 * How a subscription treats an event type. Event types are versioned
 * (`commlab.order.placed.v1`); a subscriber lists the exact versions it understands.
 *
 * - handle: a listed type.
 * - unknown: another version of a listed type (`commlab.order.placed.v2`). The consumer cannot
 *   read it, and dropping it would silently lose an order, so it goes to the dead letters
 *   until someone upgrades the consumer.
 * - ignore: any other type — another consumer's business (Kafka topics carry every type of
 *   a domain; RabbitMQ queues are only bound to what they listed).
 */
export type TypeVerdict = 'handle' | 'unknown' | 'ignore';

const version = /\.v\d+$/;

/** `commlab.order.placed.v1` → `commlab.order.placed`; an unversioned type is its own family. */
export function typeFamily(type: string): string {
  return type.replace(version, '');
}

export function classifyType(types: readonly string[], type: string): TypeVerdict {
  if (types.includes(type)) return 'handle';
  return types.some((listed) => version.test(listed) && typeFamily(listed) === typeFamily(type)) ? 'unknown' : 'ignore';
}

/** Why an unknown version is dead-lettered, naming what the consumer does understand. */
export function unknownTypeReason(types: readonly string[], type: string): string {
  return `unknown event type ${type} (this consumer handles ${types.join(', ')})`;
}

/** RabbitMQ binding keys that deliver every version of each listed type (topic-exchange syntax). */
export function bindingKeys(types: readonly string[]): string[] {
  return [...new Set(types.map((type) => (version.test(type) ? `${typeFamily(type)}.*` : type)))];
}

/** The Kafka topic of a type by default: its first two segments, so one domain's events share a topic (`commlab.order`). */
export function defaultTopicOf(type: string): string {
  const segments = type.split('.');
  return segments.length > 2 ? segments.slice(0, 2).join('.') : typeFamily(type);
}
