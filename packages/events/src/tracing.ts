import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
} from '@opentelemetry/api';
import type { CloudEvent } from './envelope.ts';

// Spans for the seams no auto-instrumentation sees: an event is created inside a request,
// waits in the outbox, and is published later by the relay; the CloudEvents bindings put its
// trace context into headers of their own. Only @opentelemetry/api is used here: without the
// SDK (the telemetry preload, packages/telemetry) every call below is a no-op.
const tracer = trace.getTracer('@commlab/events');

/** The W3C traceparent of the span active now, if one is: what a new event carries. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function contextOf(traceparent: string | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

export interface MessagingTarget {
  system: 'rabbitmq' | 'kafka';
  /** Exchange or topic. */
  destination: string;
  attributes?: Attributes;
}

/**
 * Publishes one event inside a PRODUCER span (`send <destination>`), following the
 * OpenTelemetry messaging conventions. Its parent is the context the event was created in
 * (the request that stored it, even when the outbox relay publishes it seconds later), and it
 * links to that context too; the message carries the send span's own context on the wire,
 * so the consumer's span becomes its child.
 */
export async function sendTraced(
  event: CloudEvent,
  target: MessagingTarget,
  send: (event: CloudEvent) => Promise<void>,
): Promise<void> {
  const created = contextOf(event.traceparent);
  const createdSpan = created && trace.getSpanContext(created);
  const links: Link[] = createdSpan ? [{ context: createdSpan, attributes: { 'messaging.link': 'created' } }] : [];
  const span = tracer.startSpan(
    `send ${target.destination}`,
    {
      kind: SpanKind.PRODUCER,
      links,
      attributes: {
        'messaging.system': target.system,
        'messaging.destination.name': target.destination,
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
        // How long the event waited between the commit that stored it and this publish.
        'messaging.outbox.wait_ms': Math.max(0, Date.now() - Date.parse(event.time)),
        ...target.attributes,
      },
    },
    created ?? context.active(),
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  const onWire = carrier.traceparent ? { ...event, traceparent: carrier.traceparent } : event;
  try {
    await context.with(trace.setSpan(created ?? context.active(), span), () => send(onWire));
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs a consumer's handler inside a CONSUMER span (`process <queue or group>`), the child of
 * the context the message carried; log lines written meanwhile carry its trace id.
 */
export async function processTraced(
  event: CloudEvent,
  source: MessagingTarget & { group: string },
  handle: () => Promise<void>,
): Promise<void> {
  const parent = contextOf(event.traceparent) ?? ROOT_CONTEXT;
  const span = tracer.startSpan(
    `process ${source.group}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': source.system,
        'messaging.destination.name': source.destination,
        'messaging.consumer.group.name': source.group,
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
        ...source.attributes,
      },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), handle);
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

function fail(span: ReturnType<typeof tracer.startSpan>, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setAttribute('error.type', error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
