import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import { delayOf, grpcStatusNames, type FaultDial } from './dials.ts';
import type { FaultDials } from './fault-dials.ts';

interface Log {
  info(obj: object, msg: string): void;
}

export interface GrpcFaultOptions {
  /** This service's name in the lab: the edge is `<caller>-<service>`. */
  service: string;
  /** The metadata key a caller names itself in (kit's callerHeader). */
  callerHeader: string;
  logger: Log;
}

/**
 * Applies the dial of the edge a unary call arrives on, before its handler runs: the server
 * side of the edge, so what inventory "sees" is what the dial did to it. Streaming calls pass
 * untouched. Each call a dial touches is logged once (`fault applied`), which is how a reader
 * (and a test) counts the calls that reached the service while the fault was on.
 */
export function grpcFaultInterceptor(dials: FaultDials, options: GrpcFaultOptions): ServerInterceptor {
  return (method, call) => {
    if (method.requestStream || method.responseStream) return new ServerInterceptingCall(call);
    let edge = `client-${options.service}`;
    let cancelled = false;
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const caller = metadata.get(options.callerHeader)[0]?.toString();
            if (caller) edge = `${caller}-${options.service}`;
            pass(metadata);
          },
          onCancel: () => void (cancelled = true),
          onReceiveHalfClose: (pass) => {
            void dials.dial(edge).then(
              (dial) => (dial ? apply(dial) : pass()),
              () => pass(),
            );
            const apply = async (dial: FaultDial) => {
              const ms = delayOf(dial);
              const failed = dial.errorRate !== undefined && Math.random() < dial.errorRate;
              const fault = dial.blackhole
                ? 'blackhole'
                : dial.abort
                  ? 'abort'
                  : failed
                    ? `error ${dial.status ?? 'UNAVAILABLE'}`
                    : 'latency';
              options.logger.info(
                { edge, fault, ms, method: method.path },
                `fault applied on ${edge}: ${fault} after ${ms}ms`,
              );
              if (ms > 0) await sleep(ms);
              if (cancelled || dial.blackhole) return;
              if (dial.abort)
                return intercepting.sendStatus(answer(status.UNAVAILABLE, 'connection reset (fault dial: abort)'));
              if (failed) return intercepting.sendStatus(answer(grpcCode(dial.status), `fault dial on ${edge}`));
              pass();
            };
          },
        }),
    });
    return intercepting;
  };
}

function answer(code: status, details: string) {
  return { code, details, metadata: new Metadata() };
}

/** A dial's status as a gRPC code; an HTTP status on a gRPC edge maps as gRPC-over-HTTP does. */
function grpcCode(name: string | undefined): status {
  if (name && (grpcStatusNames as readonly string[]).includes(name))
    return status[name as keyof typeof status] as status;
  switch (name) {
    case '400':
      return status.INTERNAL;
    case '401':
      return status.UNAUTHENTICATED;
    case '403':
      return status.PERMISSION_DENIED;
    case '404':
      return status.UNIMPLEMENTED;
    case '429':
    case '502':
    case '503':
    case '504':
      return status.UNAVAILABLE;
  }
  return status.UNAVAILABLE;
}
