import { OrderError } from '../domain/errors.ts';

/**
 * A refusal as inventory's domain words it, whatever the wire carried it in: a gRPC status
 * with `error-reason` metadata, a declared Thrift exception, or a problem+json body.
 */
export interface InventoryRefusal {
  reason: string;
  message: string;
  subject?: string | undefined;
}

/** One translation for every transport, so a client of order cannot tell which one was used. */
export function refusalToOrderError({ reason, message, subject }: InventoryRefusal, cause: unknown): OrderError {
  switch (reason) {
    case 'INVALID_ARGUMENT':
      return new OrderError('INVALID_ORDER', message, { subject, cause });
    case 'UNKNOWN_SKU':
      return new OrderError('UNKNOWN_SKU', message, { subject, cause });
    case 'INSUFFICIENT_STOCK':
      return new OrderError('INSUFFICIENT_STOCK', message, { subject, cause });
    default:
      // A conflict or an already-released id cannot happen for a fresh order id: a bug, not the caller's fault.
      return new OrderError('INVENTORY_UNAVAILABLE', `inventory refused: ${reason} ${message}`, { cause });
  }
}

export function inventoryTimeout(address: string, cause?: unknown): OrderError {
  return new OrderError('INVENTORY_TIMEOUT', `inventory at ${address} did not answer in time`, { cause });
}

export function inventoryUnavailable(address: string, details: string, cause?: unknown): OrderError {
  return new OrderError('INVENTORY_UNAVAILABLE', `inventory at ${address} is unavailable: ${details}`, { cause });
}
