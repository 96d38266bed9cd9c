import type { CloudEvent } from '../envelope.ts';
import { attributesOf, eventFromStructured, eventFromWire, isStructured, wireAttributes } from './attributes.ts';

/**
 * CloudEvents AMQP protocol binding, binary content mode, on RabbitMQ's AMQP 0-9-1.
 *
 * The binding is written for AMQP 1.0: each attribute becomes an application property named
 * `cloudEvents_<name>` or `cloudEvents:<name>`, and datacontenttype the content-type property.
 * AMQP 0-9-1's counterpart of application properties is the `headers` table (RabbitMQ maps one
 * onto the other when AMQP 1.0 and 0-9-1 clients share a queue). We write the `cloudEvents_`
 * prefix, which the binding recommends because JMS property names cannot contain ':', and
 * read both, as the binding asks of consumers. `traceparent` is also sent bare, where
 * OpenTelemetry's AMQP propagation looks.
 */
export interface AmqpWireMessage {
  content: Buffer;
  options: {
    contentType: string;
    messageId: string;
    type: string;
    timestamp: number;
    persistent: true;
    headers: Record<string, string>;
  };
}

/** What amqplib hands a consumer (structurally, so this module needs no amqplib import). */
export interface ReceivedAmqpMessage {
  content: Buffer;
  properties: { contentType?: unknown; headers?: Record<string, unknown> | undefined };
}

export const amqpPrefixes = ['cloudEvents_', 'cloudEvents:'] as const;

export function toAmqpMessage(event: CloudEvent): AmqpWireMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributesOf(event))) headers[`${amqpPrefixes[0]}${name}`] = value;
  if (event.traceparent) headers.traceparent = event.traceparent;
  return {
    content: Buffer.from(JSON.stringify(event.data)),
    options: {
      contentType: event.datacontenttype,
      // The AMQP basic properties repeat what tools such as the management UI show.
      messageId: event.id,
      type: event.type,
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      persistent: true,
      headers,
    },
  };
}

/** The event in an AMQP message, or a PoisonEventError naming what is wrong with it. */
export function fromAmqpMessage(message: ReceivedAmqpMessage): CloudEvent {
  const headers = message.properties.headers ?? {};
  const contentType = typeof message.properties.contentType === 'string' ? message.properties.contentType : undefined;
  if (isStructured(contentType)) return eventFromStructured(message.content);
  // One message uses one separator; the binding lets a queue mix both.
  const prefix = amqpPrefixes.find((p) => headers[`${p}specversion`] !== undefined) ?? amqpPrefixes[0];
  const attributes: Partial<Record<string, string>> = {};
  for (const name of wireAttributes) attributes[name] = text(headers[`${prefix}${name}`]);
  attributes.traceparent ??= text(headers.traceparent);
  return eventFromWire(attributes, contentType, message.content);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  // AMQP timestamps may arrive natively typed; the binding asks us to accept that form too.
  if (value instanceof Date) return value.toISOString();
  return undefined;
}
