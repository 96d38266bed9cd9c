import { defineProblems, type ProblemError } from '@commlab/kit';
import { OrderError, type OrderErrorReason } from '../domain/errors.ts';

/** How long a client should wait before trying again when inventory is unreachable. */
const retryAfterSeconds = 5;
/** How long a client should wait when order sheds load: a second spreads a burst out. */
const overloadedRetryAfterSeconds = 1;

/**
 * The order API's own problem types (the common ones — validation, not-found... — come with
 * them from @commlab/kit). Each is explained at /problems/<slug>; the slugs are a contract.
 */
export const orderProblems = defineProblems({
  'invalid-cursor': {
    status: 400,
    title: 'Invalid cursor',
    description: 'Pass back a cursor exactly as a previous page gave it.',
  },
  'unknown-sku': { status: 422, title: 'Unknown SKU', description: 'A line names a SKU the catalogue does not have.' },
  'order-not-cancellable': {
    status: 409,
    title: 'Order not cancellable',
    description: 'Only a pending or confirmed order can be cancelled; this one was rejected.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    description: 'If-Match names a version the order is no longer at; read it again (GET) and decide again.',
  },
  'concurrency-conflict': {
    status: 409,
    title: 'Concurrency conflict',
    description:
      'Another change to this order was stored between this one reading the order and writing to it; nothing was written. Read it again and retry.',
  },
  'precondition-required': {
    status: 428,
    title: 'Precondition required',
    description: 'This change needs If-Match with the ETag you read, so it cannot overwrite a change you never saw.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    description: 'This Idempotency-Key was used for a different request; a new order needs a new key.',
  },
  'other-customer': {
    status: 403,
    title: 'Another customer',
    description: "A customer's access token places and lists only that customer's orders.",
  },
  'insufficient-stock': {
    status: 409,
    title: 'Insufficient stock',
    description: 'Not enough stock for a line; nothing was reserved and no order was created.',
  },
  'inventory-unavailable': {
    status: 503,
    title: 'Inventory unavailable',
    description: 'Inventory could not be reached; nothing was created. Retry after the Retry-After delay.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  },
  overloaded: {
    status: 503,
    title: 'Overloaded',
    description:
      'The order service is shedding load: it refused this request at once rather than let it wait behind the others; nothing was created. Retry after the Retry-After delay.',
    headers: { 'retry-after': String(overloadedRetryAfterSeconds) },
  },
  'inventory-timeout': {
    status: 504,
    title: 'Inventory timed out',
    description: 'Inventory did not answer within the deadline; any reservation was released and nothing was created.',
  },
});

const slugFor: Record<OrderErrorReason, Parameters<typeof orderProblems.problem>[0]> = {
  ORDER_NOT_FOUND: 'not-found',
  INVALID_ORDER: 'validation',
  INVALID_CURSOR: 'invalid-cursor',
  UNKNOWN_SKU: 'unknown-sku',
  INSUFFICIENT_STOCK: 'insufficient-stock',
  INVENTORY_UNAVAILABLE: 'inventory-unavailable',
  INVENTORY_TIMEOUT: 'inventory-timeout',
  ORDER_NOT_CANCELLABLE: 'order-not-cancellable',
  VERSION_MISMATCH: 'precondition-failed',
  CONCURRENT_CHANGE: 'concurrency-conflict',
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
  OTHER_CUSTOMER: 'other-customer',
};

/** A domain refusal keeps its words (`detail`) and what it is about (`subject`). */
export function orderErrorProblem(error: Error): ProblemError | undefined {
  if (!(error instanceof OrderError)) return undefined;
  return orderProblems.problem(slugFor[error.reason], error.message, error.subject ? { subject: error.subject } : {});
}
