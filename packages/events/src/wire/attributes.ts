import { PoisonEventError } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';

/**
 * The CloudEvents context attributes our events carry on the wire (everything but data and
 * datacontenttype, which each binding maps to the protocol's own content type).
 */
export const wireAttributes = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'traceparent',
  // The Verifiability extension's two attributes (lab 09 signs who produced an event).
  'dssematerial',
  'signedextattrs',
] as const;
/** The optional extension attributes: carried when present, never required. */
const extensions = ['traceparent', 'dssematerial', 'signedextattrs'] as const;

type WireAttribute = (typeof wireAttributes)[number];

/** CloudEvents requires the first four; our contract adds subject (the order id, Kafka key) and time. */
const required: readonly WireAttribute[] = ['specversion', 'id', 'source', 'type', 'subject', 'time'];

export function attributesOf(event: CloudEvent): Partial<Record<WireAttribute, string>> {
  const attributes: Partial<Record<WireAttribute, string>> = {};
  for (const name of wireAttributes) {
    const value = event[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

/**
 * Rebuilds an event from binary-mode attributes, a content type and the body bytes, or throws
 * a PoisonEventError saying exactly what is wrong: no retry can ever fix a message like that.
 */
export function eventFromWire(
  attributes: Partial<Record<string, string>>,
  contentType: string | undefined,
  body: Buffer | null,
): CloudEvent {
  const missing = required.filter((name) => !attributes[name]);
  if (missing.length > 0) throw new PoisonEventError(`missing CloudEvents attribute(s): ${missing.join(', ')}`);
  if (attributes.specversion !== '1.0') {
    throw new PoisonEventError(`unsupported CloudEvents specversion ${JSON.stringify(attributes.specversion)}`);
  }
  if (Number.isNaN(Date.parse(attributes.time!))) {
    throw new PoisonEventError(`attribute time is not an RFC 3339 timestamp: ${JSON.stringify(attributes.time)}`);
  }
  if (!isJson(contentType)) {
    throw new PoisonEventError(`unsupported datacontenttype ${JSON.stringify(contentType ?? '(none)')}`);
  }
  return {
    specversion: '1.0',
    id: attributes.id!,
    source: attributes.source!,
    type: attributes.type!,
    subject: attributes.subject!,
    time: attributes.time!,
    datacontenttype: 'application/json',
    data: parseData(body),
    ...Object.fromEntries(extensions.filter((name) => attributes[name]).map((name) => [name, attributes[name]])),
  };
}

/**
 * Structured mode (the whole event as one JSON document, content type
 * application/cloudevents+json): we never send it, but accept it from other producers.
 */
export function eventFromStructured(body: Buffer | null): CloudEvent {
  const document = parseData(body);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new PoisonEventError('structured CloudEvent is not a JSON object');
  }
  const fields = document as Record<string, unknown>;
  const attributes: Partial<Record<string, string>> = {};
  for (const name of wireAttributes) if (typeof fields[name] === 'string') attributes[name] = fields[name];
  const contentType = typeof fields.datacontenttype === 'string' ? fields.datacontenttype : 'application/json';
  return { ...eventFromWire(attributes, contentType, Buffer.from('null')), data: fields.data };
}

export const structuredContentType = 'application/cloudevents+json';

export function isStructured(contentType: string | undefined): boolean {
  return mediaType(contentType) === structuredContentType;
}

function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]!.trim().toLowerCase();
}

function parseData(body: Buffer | null): unknown {
  if (!body || body.length === 0) throw new PoisonEventError('no data: the message body is empty');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new PoisonEventError(`data is not valid JSON: ${(err as Error).message}`);
  }
}
