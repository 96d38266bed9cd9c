/** Why a stock operation was refused; the transport edge maps each reason to its own status. */
export type StockErrorReason =
  'INVALID_ARGUMENT' | 'UNKNOWN_SKU' | 'INSUFFICIENT_STOCK' | 'RESERVATION_CONFLICT' | 'RESERVATION_RELEASED';

export class StockError extends Error {
  override readonly name = 'StockError';
  readonly reason: StockErrorReason;
  /** The SKU or field the error is about, when there is one. */
  readonly subject: string | undefined;
  constructor(reason: StockErrorReason, message: string, subject?: string) {
    super(message);
    this.reason = reason;
    this.subject = subject;
  }
}
