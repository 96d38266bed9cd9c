import { callerHeader, noEdgeReporter, type EdgeReporter } from '@commlab/kit';

/** Payment as the saga orchestrator sees it (services/payment's /payments). */
export interface Payment {
  orderId: string;
  amount: number;
  status: 'completed' | 'declined' | 'refunded' | 'voided';
  code?: string;
  detail?: string;
}

export interface PaymentClient {
  /** Pays, or answers the payment decided for this order before (idempotent by order id). */
  pay(orderId: string, amount: number): Promise<Payment>;
  /** Refunds a payment taken, or voids one not made yet (idempotent). */
  cancel(orderId: string): Promise<Payment>;
}

/** Payment could not be asked (down, too slow, an error answer): the saga tries the step again later. */
export class PaymentUnavailable extends Error {
  override readonly name = 'PaymentUnavailable';
}

/** Payment over HTTP/JSON, each call within `timeoutMs`, reported to the lab console. */
export function httpPayment({
  url,
  timeoutMs,
  service,
  edges = noEdgeReporter,
}: {
  url: string;
  timeoutMs: number;
  service: string;
  edges?: EdgeReporter;
}): PaymentClient {
  const call = async (orderId: string, method: string, path: string, body?: object): Promise<Payment> => {
    let status = 0;
    try {
      const response = await fetch(new URL(path, url), {
        method,
        headers: { 'content-type': 'application/json', [callerHeader]: service },
        ...(body && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      const answer = (await response.json()) as Payment & { detail?: string };
      if (!response.ok) throw new PaymentUnavailable(`payment answered ${status}: ${answer.detail ?? ''}`);
      return answer;
    } catch (err) {
      if (err instanceof PaymentUnavailable) throw err;
      throw new PaymentUnavailable(`payment at ${url} is unavailable: ${(err as Error).message}`, { cause: err });
    } finally {
      edges.report({
        from: service,
        to: 'payment',
        protocol: 'REST',
        side: 'sent',
        label: `${method} ${path.replace(orderId, '{id}')} ${status || 'failed'}`,
        orderId,
        ok: status > 0 && status < 400,
      });
    }
  };
  return {
    pay: (orderId, amount) => call(orderId, 'POST', '/payments', { orderId, amount }),
    cancel: (orderId) => call(orderId, 'POST', `/payments/${encodeURIComponent(orderId)}/cancel`),
  };
}
