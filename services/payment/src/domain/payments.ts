/**
 * completed: paid; declined: refused, nothing taken; refunded: paid, then given back (the
 * saga compensated); voided: the order was cancelled before its payment was asked for, so a
 * request that arrives late takes nothing.
 */
export type PaymentStatus = 'completed' | 'declined' | 'refunded' | 'voided';

export interface Payment {
  orderId: string;
  amount: number;
  status: PaymentStatus;
  /** Why a payment was declined. */
  code?: string | undefined;
  detail?: string | undefined;
  updatedAt: string;
}

/** What a payment costs: lab 08's payment counts one unit per item, so a test or a reader sets the amount by quantity. */
export function amountOf(lines: readonly { quantity: number }[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

/**
 * The payment rule: an amount above the limit is declined (PAYMENT_LIMIT; 0 = no limit). The
 * one way to make the saga's payment step fail on purpose, per order, by its size.
 */
export function decide(orderId: string, amount: number, limit: number, now: Date): Payment {
  const at = now.toISOString();
  if (limit > 0 && amount > limit) {
    return {
      orderId,
      amount,
      status: 'declined',
      code: 'LIMIT_EXCEEDED',
      detail: `payment of ${amount} is above the limit of ${limit}`,
      updatedAt: at,
    };
  }
  return { orderId, amount, status: 'completed', updatedAt: at };
}
