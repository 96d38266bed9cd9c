import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { measure } from './span-metrics.ts';

const ok = { code: SpanStatusCode.UNSET };

describe('measure', () => {
  it('turns a gRPC server span into rpc.server.call.duration, keeping method and status', () => {
    expect(
      measure({
        kind: SpanKind.SERVER,
        status: ok,
        attributes: { 'rpc.system': 'grpc', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': 0, 'net.peer.ip': 'x' },
      }),
    ).toMatchObject({
      name: 'rpc.server.call.duration',
      attributes: { 'rpc.system': 'grpc', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': 0 },
    });
  });

  it('labels a failed consumer span with its error type', () => {
    expect(
      measure({
        kind: SpanKind.CONSUMER,
        status: { code: SpanStatusCode.ERROR },
        attributes: { 'messaging.system': 'rabbitmq', 'error.type': 'PoisonEventError', 'messaging.message.id': 'x' },
      }),
    ).toEqual({
      name: 'messaging.process.duration',
      description: 'Duration of handling one message',
      attributes: { 'messaging.system': 'rabbitmq', 'error.type': 'PoisonEventError' },
    });
  });

  it('measures a publish as messaging.client.operation.duration, and ignores HTTP spans (measured by their instrumentation)', () => {
    expect(measure({ kind: SpanKind.PRODUCER, status: ok, attributes: { 'messaging.system': 'kafka' } })?.name).toBe(
      'messaging.client.operation.duration',
    );
    expect(
      measure({ kind: SpanKind.SERVER, status: ok, attributes: { 'http.request.method': 'POST' } }),
    ).toBeUndefined();
  });
});
