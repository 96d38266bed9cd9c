import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Refusal } from '@commlab/contracts';
import { StockError, type StockErrorReason } from '../domain/errors.ts';

const codeFor: Record<StockErrorReason, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  UNKNOWN_SKU: status.NOT_FOUND,
  INSUFFICIENT_STOCK: status.FAILED_PRECONDITION,
  RESERVATION_CONFLICT: status.ALREADY_EXISTS,
  RESERVATION_RELEASED: status.FAILED_PRECONDITION,
};

/**
 * A domain refusal as a gRPC status. The trailing metadata `error-reason` and
 * `error-subject` let clients tell FAILED_PRECONDITION cases apart without parsing text.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (!(err instanceof StockError)) return { code: status.INTERNAL, details: 'internal error' };
  const metadata = new Metadata();
  metadata.set('error-reason', err.reason);
  if (err.subject) metadata.set('error-subject', err.subject);
  return { code: codeFor[err.reason], details: err.message, metadata };
}

/** The same refusal as a message inside a stream, where one refused request must not end the others. */
export function toRefusal(err: unknown): Refusal {
  if (!(err instanceof StockError))
    return { code: status.INTERNAL, reason: 'INTERNAL', subject: '', message: 'internal error' };
  return { code: codeFor[err.reason], reason: err.reason, subject: err.subject ?? '', message: err.message };
}

export function invalidArgument(details: string, subject: string): Partial<ServiceError> {
  return toServiceError(new StockError('INVALID_ARGUMENT', details, subject));
}
