/**
 * What the preload reads, all from the standard OpenTelemetry variables where one exists:
 *
 *   OTEL_SDK_DISABLED=true            telemetry off, although preloaded
 *   OTEL_SERVICE_NAME                 default: SERVICE_NAME (the name in the lab), else the folder
 *   OTEL_EXPORTER_ZIPKIN_ENDPOINT     where spans go, e.g. http://127.0.0.1:9411/api/v2/spans;
 *                                     unset: spans are made (metrics, log ids) but sent nowhere
 *   OTEL_TRACES_SAMPLER_ARG           share of new traces kept, 0..1 (default 1); a caller's
 *                                     sampled flag always wins (parent-based)
 *   OTEL_BSP_SCHEDULE_DELAY           ms between span batches (default 500: a lab reader looks
 *                                     at a trace seconds after the request, not minutes)
 *   OTEL_EXPORTER_PROMETHEUS_PORT     serve metrics on GET /metrics there; unset: no metrics
 *   OTEL_EXPORTER_PROMETHEUS_HOST     default: HOST (the service's own bind address), else 127.0.0.1
 */
export interface TelemetrySettings {
  serviceName: string;
  zipkinUrl?: string;
  sampleRatio: number;
  batchDelayMs: number;
  metrics?: { host: string; port: number };
}

export class TelemetrySettingsError extends Error {
  override readonly name = 'TelemetrySettingsError';
}

const serviceMain = /services[\\/]([^\\/]+)[\\/]src[\\/]main\.ts$/;

/** The settings for this process, or undefined when it is no service or telemetry is off. */
export function telemetrySettings(env: NodeJS.ProcessEnv, main: string | undefined): TelemetrySettings | undefined {
  const folder = main?.match(serviceMain)?.[1];
  if (!folder || env.OTEL_SDK_DISABLED === 'true') return undefined;
  const metricsPort = env.OTEL_EXPORTER_PROMETHEUS_PORT;
  return {
    serviceName: env.OTEL_SERVICE_NAME || env.SERVICE_NAME || folder,
    ...(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT && { zipkinUrl: checkedUrl(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) }),
    sampleRatio: number('OTEL_TRACES_SAMPLER_ARG', env.OTEL_TRACES_SAMPLER_ARG, 1, 0, 1),
    batchDelayMs: number('OTEL_BSP_SCHEDULE_DELAY', env.OTEL_BSP_SCHEDULE_DELAY, 500, 1, 60_000),
    ...(metricsPort && {
      metrics: {
        host: env.OTEL_EXPORTER_PROMETHEUS_HOST || env.HOST || '127.0.0.1',
        port: number('OTEL_EXPORTER_PROMETHEUS_PORT', metricsPort, 9464, 1, 65_535),
      },
    }),
  };
}

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new TelemetrySettingsError(`${name} is "${text}"; use a number from ${min} to ${max}`);
  }
  return value;
}

function checkedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // not a URL at all: refused below, as one that is no HTTP URL
  }
  throw new TelemetrySettingsError(
    `OTEL_EXPORTER_ZIPKIN_ENDPOINT is "${text}"; use a URL such as http://127.0.0.1:9411/api/v2/spans`,
  );
}
