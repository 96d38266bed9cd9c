import { describe, expect, it } from 'vitest';
import { TelemetrySettingsError, telemetrySettings } from './settings.ts';

const main = '/app/services/order/src/main.ts';

describe('telemetrySettings', () => {
  it('switches on for a service main, named as the lab names it', () => {
    expect(telemetrySettings({ SERVICE_NAME: 'order-sync' }, main)).toEqual({
      serviceName: 'order-sync',
      sampleRatio: 1,
      batchDelayMs: 500,
    });
  });

  it('stays off for any other process that inherits NODE_OPTIONS, such as a healthcheck probe', () => {
    expect(telemetrySettings({}, '/app/packages/kit/src/probe.ts')).toBeUndefined();
    expect(telemetrySettings({}, undefined)).toBeUndefined();
  });

  it('stays off when OTEL_SDK_DISABLED is true', () => {
    expect(telemetrySettings({ OTEL_SDK_DISABLED: 'true' }, main)).toBeUndefined();
  });

  it('reads the exporter endpoint, the sampling ratio and the metrics port', () => {
    expect(
      telemetrySettings(
        {
          OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans',
          OTEL_TRACES_SAMPLER_ARG: '0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: '9464',
          HOST: '0.0.0.0',
        },
        main,
      ),
    ).toEqual({
      serviceName: 'order',
      zipkinUrl: 'http://zipkin:9411/api/v2/spans',
      sampleRatio: 0.1,
      batchDelayMs: 500,
      metrics: { host: '0.0.0.0', port: 9464 },
    });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => telemetrySettings({ OTEL_TRACES_SAMPLER_ARG: '10%' }, main)).toThrow(
      new TelemetrySettingsError('OTEL_TRACES_SAMPLER_ARG is "10%"; use a number from 0 to 1'),
    );
    expect(() => telemetrySettings({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'zipkin:9411' }, main)).toThrow(
      /OTEL_EXPORTER_ZIPKIN_ENDPOINT is "zipkin:9411"/,
    );
  });
});
