/** Why placing, reading or changing an order failed; each edge maps a reason to its own status. */
export type OrderErrorReason =
  | 'ORDER_NOT_FOUND'
  | 'INVALID_ORDER'
  | 'INVALID_CURSOR'
  | 'UNKNOWN_SKU'
  | 'INSUFFICIENT_STOCK'
  | 'INVENTORY_UNAVAILABLE'
  | 'INVENTORY_TIMEOUT'
  | 'ORDER_NOT_CANCELLABLE'
  /** The caller's version of the order is not the current one (HTTP: a stale If-Match). */
  | 'VERSION_MISMATCH'
  /** Someone else changed the order between this change's read and its write (event store: wrong expected version). */
  | 'CONCURRENT_CHANGE'
  /** An idempotency key already used for a different request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A customer's access token used for another customer's orders. */
  | 'OTHER_CUSTOMER';

export class OrderError extends Error {
  override readonly name = 'OrderError';
  readonly reason: OrderErrorReason;
  readonly subject: string | undefined;
  constructor(reason: OrderErrorReason, message: string, options?: { subject?: string | undefined; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.reason = reason;
    this.subject = options?.subject;
  }
}

/** Inventory's unwell-ness (unreachable, too slow, breaker open), as opposed to its answer about this order (unknown SKU, no stock). */
export function inventoryUnwell(err: unknown): boolean {
  return err instanceof OrderError && (err.reason === 'INVENTORY_UNAVAILABLE' || err.reason === 'INVENTORY_TIMEOUT');
}
