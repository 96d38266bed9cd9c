import { requestIdHeader, requestTimeoutHeader } from '@commlab/kit';
import type { OrderLine } from '../domain/order.ts';
import { requestScope } from '../request-scope.ts';
import type { InventoryEdge } from './edge.ts';
import { inventoryTimeout, inventoryUnavailable, refusalToOrderError } from './refusals.ts';

const reasonFor: Record<string, string> = {
  '/problems/validation': 'INVALID_ARGUMENT',
  '/problems/unknown-sku': 'UNKNOWN_SKU',
  '/problems/insufficient-stock': 'INSUFFICIENT_STOCK',
  '/problems/reservation-conflict': 'RESERVATION_CONFLICT',
  '/problems/reservation-released': 'RESERVATION_RELEASED',
};

/**
 * Inventory over REST/JSON with Node's fetch, whose connection pool keeps connections alive
 * between calls. HTTP/1.1 has no deadline of its own: the remaining time goes along as
 * `Request-Timeout` (so inventory can stop too) and aborts the fetch when it runs out.
 */
export function restInventory(baseUrl: string): InventoryEdge {
  async function send(method: 'PUT' | 'DELETE', path: string, body: unknown, deadline: Date): Promise<void> {
    const remainingMs = Math.max(1, deadline.getTime() - Date.now());
    const scope = requestScope.current();
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          [requestTimeoutHeader]: String(remainingMs),
          ...(scope && { [requestIdHeader]: scope.requestId }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(remainingMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw inventoryTimeout(baseUrl, err);
      throw inventoryUnavailable(
        baseUrl,
        ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message,
        err,
      );
    }
    if (response.ok) {
      await response.arrayBuffer();
      return;
    }
    const problem = (await response.json().catch(() => ({}))) as { type?: string; detail?: string; subject?: string };
    const reason = problem.type && reasonFor[problem.type];
    if (!reason) throw inventoryUnavailable(baseUrl, `${response.status} ${problem.detail ?? response.statusText}`);
    throw refusalToOrderError({ reason, message: problem.detail ?? '', subject: problem.subject }, problem);
  }

  return {
    reserve: (orderId: string, lines: readonly OrderLine[], deadline: Date) =>
      send('PUT', `/reservations/${encodeURIComponent(orderId)}`, { lines }, deadline),
    release: (orderId: string, deadline: Date) =>
      send('DELETE', `/reservations/${encodeURIComponent(orderId)}`, undefined, deadline),
    ready: async () => {
      const response = await fetch(new URL('/readyz', baseUrl), { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`${baseUrl}/readyz answered ${response.status}`);
    },
    close: () => {},
  };
}
