import { randomUUID } from 'node:crypto';
import { activeTraceparent } from './tracing.ts';

/**
 * A CloudEvents 1.0 event (structured in memory; on the wire each adapter uses its protocol
 * binding: `ce_*` headers on Kafka, `cloudEvents:*` application properties on AMQP).
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique per event; consumers deduplicate on it. */
  id: string;
  /** URI of the producer, e.g. /commlab/order. */
  source: string;
  /** Versioned type, e.g. commlab.order.placed.v1. */
  type: string;
  /** The order id: Kafka key and per-order ordering. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
  /** W3C trace context, carried with every message. */
  traceparent?: string;
  /**
   * CloudEvents Verifiability extension (lab 09): a DSSE envelope signing who produced the
   * event, and the names of the extension attributes that signature covers.
   */
  dssematerial?: string;
  signedextattrs?: string;
}

export function newEvent<T>(fields: {
  source: string;
  type: string;
  subject: string;
  data: T;
  traceparent?: string;
}): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    ...fields,
    // Created inside a traced request or message: the event remembers it (stored with it in an
    // outbox), so its publish and every consumer join that trace.
    ...(!fields.traceparent && withTraceparent()),
  };
}

function withTraceparent(): { traceparent?: string } {
  const traceparent = activeTraceparent();
  return traceparent ? { traceparent } : {};
}
