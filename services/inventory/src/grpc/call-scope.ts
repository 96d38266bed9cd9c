import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { requestIdFrom, requestIdHeader, type Logger } from '@commlab/kit';

/** What every kind of server call (unary or streaming) has in common. */
interface AnyServerCall {
  metadata: Metadata;
  getDeadline(): Date | number;
  sendMetadata(metadata: Metadata): void;
  on(event: 'cancelled', listener: () => void): unknown;
}

export interface CallScope {
  requestId: string;
  log: Logger;
  /** Aborts when the caller cancels or its deadline passes: stop working on its behalf. */
  signal: AbortSignal;
  /** Logs how the call ended, once, and releases the deadline timer. */
  finish(outcome: Partial<ServiceError> | 'ok'): void;
}

/**
 * Opens the scope of one call: the caller's request id (from metadata, echoed back in the
 * response headers), a logger that stamps it on every line, and a signal that fires when the
 * work is no longer wanted. The deadline travels in the `grpc-timeout` header, so the server
 * knows it too and stops by itself even if the cancellation never reaches it.
 */
export function openCallScope(call: AnyServerCall, method: string, logger: Logger): CallScope {
  const started = performance.now();
  const requestId = requestIdFrom(call.metadata.get(requestIdHeader));
  const log = logger.child({ requestId, method });
  const echo = new Metadata();
  echo.set(requestIdHeader, requestId);
  call.sendMetadata(echo);

  const controller = new AbortController();
  call.on('cancelled', () => controller.abort(new Error('cancelled by the caller')));
  const deadline = Number(call.getDeadline());
  const timer = Number.isFinite(deadline)
    ? setTimeout(() => controller.abort(new Error('deadline exceeded')), Math.max(0, deadline - Date.now()))
    : undefined;

  let finished = false;
  return {
    requestId,
    log,
    signal: controller.signal,
    finish(outcome) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      if (controller.signal.aborted) {
        log.info({ ms, reason: (controller.signal.reason as Error).message }, `${method} stopped: the caller gave up`);
      } else if (outcome === 'ok') {
        log.info({ code: 'OK', ms }, `${method} OK ${ms}ms`);
      } else {
        const code = status[outcome.code ?? status.UNKNOWN];
        log.info({ code, ms, details: outcome.details }, `${method} ${code} ${ms}ms`);
      }
    },
  };
}
