import type { FastifyRequest } from 'fastify';
import { defineProblems, type ProblemError } from '@commlab/kit';
import { StockError, type StockErrorReason } from '../domain/errors.ts';

/**
 * The problem types of inventory's REST edge beyond the common ones (validation, not-found...,
 * from @commlab/kit). Each is explained at /problems/<slug>; the slugs are a contract, like order's.
 */
export const inventoryProblems = defineProblems({
  'unknown-sku': { status: 422, title: 'Unknown SKU', description: 'A line names a SKU the catalogue does not have.' },
  'insufficient-stock': {
    status: 409,
    title: 'Insufficient stock',
    description: 'Not enough stock for a line; nothing was reserved.',
  },
  'reservation-conflict': {
    status: 409,
    title: 'Reservation conflict',
    description: 'This reservation id is already held with other lines; a new reservation needs a new id.',
  },
  'reservation-released': {
    status: 409,
    title: 'Reservation released',
    description: 'This reservation id was released (perhaps by a caller that gave up); it cannot be reserved again.',
  },
  'caller-gave-up': {
    status: 503,
    title: 'Caller gave up',
    description:
      'The caller closed the connection or its Request-Timeout passed before the reservation was made; nothing was reserved.',
  },
});

const slugFor: Record<StockErrorReason, Parameters<typeof inventoryProblems.problem>[0]> = {
  INVALID_ARGUMENT: 'validation',
  UNKNOWN_SKU: 'unknown-sku',
  INSUFFICIENT_STOCK: 'insufficient-stock',
  RESERVATION_CONFLICT: 'reservation-conflict',
  RESERVATION_RELEASED: 'reservation-released',
};

/** Domain refusals keep their words (`detail`, `subject`), so every transport says the same thing. */
export function stockErrorProblem(error: Error, request: FastifyRequest): ProblemError | undefined {
  if (error instanceof StockError) {
    return inventoryProblems.problem(
      slugFor[error.reason],
      error.message,
      error.subject ? { subject: error.subject } : {},
    );
  }
  if (error.name === 'AbortError') {
    request.log.info(`${request.method} ${request.url} stopped: the caller gave up`);
    return inventoryProblems.problem('caller-gave-up', 'stopped: the caller gave up');
  }
  return undefined;
}
