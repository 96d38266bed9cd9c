import { SpanKind, SpanStatusCode, type Attributes, type Histogram, type Meter } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * RED metrics (rate, errors, duration) for the edges HTTP instrumentation does not measure
 * itself: gRPC calls and messages, one histogram per OpenTelemetry semantic-convention name,
 * made from the spans as they end. The sampler records every span (sdk.ts), so these count
 * every call and message, whatever share of traces is exported.
 *
 *   rpc.server.call.duration / rpc.client.call.duration    gRPC, by rpc.method and status code
 *   messaging.client.operation.duration                     each publish (messaging.operation.name=send)
 *   messaging.process.duration                              each message a consumer handled
 *
 * A histogram's count is the rate, its `error.type` label the errors, its buckets the duration.
 */
export function spanMetrics(meterOf: () => Meter): SpanProcessor {
  let histograms: Record<string, Histogram> | undefined;
  const histogram = (name: string, description: string) => {
    histograms ??= {};
    histograms[name] ??= meterOf().createHistogram(name, {
      unit: 's',
      description,
      advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    });
    return histograms[name];
  };
  return {
    onStart: () => {},
    onEnd: (span) => {
      const measured = measure(span);
      if (!measured) return;
      const seconds = span.duration[0] + span.duration[1] / 1e9;
      histogram(measured.name, measured.description).record(seconds, measured.attributes);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

interface Measured {
  name: string;
  description: string;
  attributes: Attributes;
}

const rpcKeys = ['rpc.system', 'rpc.service', 'rpc.method', 'rpc.grpc.status_code'];
const messagingKeys = [
  'messaging.system',
  'messaging.destination.name',
  'messaging.consumer.group.name',
  'messaging.operation.name',
  'messaging.operation.type',
];

/** Which metric a span feeds, with the labels it keeps (few, so series stay few). */
export function measure(span: Pick<ReadableSpan, 'kind' | 'attributes' | 'status'>): Measured | undefined {
  const { kind, attributes } = span;
  const errorType =
    span.status.code === SpanStatusCode.ERROR ? { 'error.type': String(attributes['error.type'] ?? '_OTHER') } : {};
  if (attributes['rpc.system'] !== undefined && (kind === SpanKind.SERVER || kind === SpanKind.CLIENT)) {
    const side = kind === SpanKind.SERVER ? 'server' : 'client';
    return {
      name: `rpc.${side}.call.duration`,
      description: `Duration of gRPC calls, as the ${side} sees them`,
      attributes: { ...pick(attributes, rpcKeys), ...errorType },
    };
  }
  if (attributes['messaging.system'] !== undefined && kind === SpanKind.PRODUCER) {
    return {
      name: 'messaging.client.operation.duration',
      description: 'Duration of publishing one message, until the broker accepted it',
      attributes: { ...pick(attributes, messagingKeys), ...errorType },
    };
  }
  if (attributes['messaging.system'] !== undefined && kind === SpanKind.CONSUMER) {
    return {
      name: 'messaging.process.duration',
      description: 'Duration of handling one message',
      attributes: { ...pick(attributes, messagingKeys), ...errorType },
    };
  }
  return undefined;
}

function pick(attributes: Attributes, keys: readonly string[]): Attributes {
  const kept: Attributes = {};
  for (const key of keys) if (attributes[key] !== undefined) kept[key] = attributes[key];
  return kept;
}
