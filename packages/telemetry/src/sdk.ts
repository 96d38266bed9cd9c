import { metrics } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  createAlwaysRecordSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { nameSpansByFastifyRoute } from './fastify-routes.ts';
import { spanMetrics } from './span-metrics.ts';
import type { TelemetrySettings } from './settings.ts';

// Probes and scrapes arrive every few seconds and say nothing about the lab's traffic.
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Starts the OpenTelemetry SDK for this process: spans from HTTP (every fastify route) and
 * gRPC (client and server) by auto-instrumentation, and from the seams that speak
 * @opentelemetry/api themselves (events, WebSocket pushes); W3C tracecontext and baggage on the
 * wire; spans to Zipkin; RED metrics for Prometheus.
 */
export function startTelemetry(settings: TelemetrySettings): NodeSDK {
  const processors: SpanProcessor[] = [spanMetrics(() => metrics.getMeter('@commlab/telemetry'))];
  if (settings.zipkinUrl) {
    processors.push(
      new BatchSpanProcessor({
        exporter: new ZipkinExporter({ url: settings.zipkinUrl, serviceName: settings.serviceName }),
        scheduledDelayMillis: settings.batchDelayMs,
      }),
    );
  }
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    autoDetectResources: false,
    // Every span is recorded, so the metrics made from spans count every request; only the
    // sampled share is exported (BatchSpanProcessor drops the rest). A caller's decision wins.
    sampler: createAlwaysRecordSampler(
      new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    ),
    spanProcessors: processors,
    // Logs stay in pino's lines (with trace ids); without this NodeSDK sets up an OTLP log exporter.
    logRecordProcessors: [],
    ...(settings.metrics && {
      metricReaders: [new PrometheusExporter({ host: settings.metrics.host, port: settings.metrics.port })],
    }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => quietPaths.has((request.url ?? '').split('?')[0]!),
      }),
      // The health service is polled by the lab's readiness checks, like /readyz.
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check'] }),
    ],
  });
  nameSpansByFastifyRoute();
  sdk.start();
  return sdk;
}
