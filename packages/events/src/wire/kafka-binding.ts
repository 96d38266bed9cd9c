import type { CloudEvent } from '../envelope.ts';
import { attributesOf, eventFromStructured, eventFromWire, isStructured, wireAttributes } from './attributes.ts';

/**
 * CloudEvents Kafka protocol binding, binary content mode: each attribute is a `ce_<name>`
 * header, datacontenttype is the `content-type` header, the value is the data itself, and
 * the key is the subject (the order id), so one order's events share a partition and stay
 * in order. `traceparent` is also sent bare, where OpenTelemetry's Kafka propagation looks.
 */
export interface KafkaWireMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** What kafkajs hands a consumer (structurally, so this module needs no kafkajs import). */
export interface ReceivedKafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export function toKafkaMessage(event: CloudEvent): KafkaWireMessage {
  const headers: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const [name, value] of Object.entries(attributesOf(event))) headers[`ce_${name}`] = value;
  if (event.traceparent) headers.traceparent = event.traceparent;
  return { key: event.subject, value: Buffer.from(JSON.stringify(event.data)), headers };
}

/** The event in a Kafka message, or a PoisonEventError naming what is wrong with it. */
export function fromKafkaMessage(message: ReceivedKafkaMessage): CloudEvent {
  const header = (name: string) => headerText(message.headers?.[name]);
  const contentType = header('content-type');
  if (isStructured(contentType)) return eventFromStructured(message.value);
  const attributes: Partial<Record<string, string>> = {};
  for (const name of wireAttributes) attributes[name] = header(`ce_${name}`);
  attributes.traceparent ??= header('traceparent');
  return eventFromWire(attributes, contentType, message.value);
}

export function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
