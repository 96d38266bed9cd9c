import { callPolicy, type CallPolicy, type ResilienceSettings } from '@commlab/resilience';
import type { Logger } from '@commlab/kit';
import { inventoryUnwell as unwell, OrderError } from '../domain/errors.ts';
import type { StockReservations } from '../domain/ports.ts';

/**
 * The resilience policy at the order → inventory seam (lab 11): timeouts, retries and the
 * circuit breaker, as configured. Reserve is idempotent (its id is the order's), so it may be
 * retried. A release (compensation after a reservation timed out) goes outside the breaker:
 * it must not be refused for inventory's earlier failures. With a call timeout set it runs in
 * the background, bounded by that timeout: the reservation's outcome is unknown either way, and
 * waiting for it would double the time to a 504 while inventory is slow. Its failure is logged.
 */
export function resilientStock(
  stock: StockReservations,
  settings: ResilienceSettings,
  logger: Logger,
): { stock: StockReservations; policy: CallPolicy } {
  const policy = callPolicy({
    name: 'order→inventory',
    settings,
    logger,
    isFailure: unwell,
    isRetryable: unwell,
    openError: () =>
      new OrderError('INVENTORY_UNAVAILABLE', 'inventory is failing: the circuit breaker is open, calls fail fast'),
    fullError: () =>
      new OrderError('INVENTORY_UNAVAILABLE', 'too many calls to inventory are waiting already (bulkhead full)'),
    timeoutError: () =>
      new OrderError('INVENTORY_TIMEOUT', "the request's time budget ran out while retrying inventory"),
  });
  return {
    policy,
    stock: {
      reserve: (orderId, lines, deadline) =>
        policy.call(deadline, (attemptDeadline) => stock.reserve(orderId, lines, attemptDeadline)),
      release: (orderId, deadline) => {
        if (settings.CALL_TIMEOUT_MS === 0) return stock.release(orderId, deadline);
        stock
          .release(orderId, policy.deadlineOf(deadline))
          .catch((err: unknown) => logger.warn({ err, orderId }, 'could not release a reservation'));
        return Promise.resolve();
      },
    },
  };
}
