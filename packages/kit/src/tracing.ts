import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

// Only @opentelemetry/api: a no-op unless the telemetry preload (packages/telemetry) started the SDK.
const tracer = trace.getTracer('@commlab/kit');

/**
 * Runs `send` inside a PRODUCER span named `<protocol> push`: for a push to a browser (a
 * WebSocket frame, an SSE event), which no auto-instrumentation sees. It is the child of what is
 * active — the consumer span of the event being pushed, when the push is live.
 */
export function pushTraced<T>(protocol: string, attributes: Attributes, send: () => T): T {
  const span = tracer.startSpan(`${protocol} push`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'network.protocol.name': protocol.toLowerCase(), ...attributes },
  });
  try {
    return send();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
