import type { StockReservations } from '../domain/ports.ts';
import { requestScope } from '../request-scope.ts';
import { OrderError } from '../domain/errors.ts';

/**
 * Gives inventory what is left of the incoming request's time, never a fresh budget: a
 * reservation's deadline is the earlier of its own and the request's. When nothing is left,
 * inventory is not asked at all. A release keeps its own deadline, because compensating for a
 * failed request must outlive that request.
 */
export function withinRequestBudget(stock: StockReservations): StockReservations {
  return {
    reserve: async (orderId, lines, deadline) => {
      const requestDeadline = requestScope.current()?.deadline;
      const effective = requestDeadline && requestDeadline < deadline ? requestDeadline : deadline;
      if (effective.getTime() <= Date.now()) {
        throw new OrderError('INVENTORY_TIMEOUT', "the request's time budget ran out before inventory was asked");
      }
      return stock.reserve(orderId, lines, effective);
    },
    release: (orderId, deadline) => stock.release(orderId, deadline),
  };
}
