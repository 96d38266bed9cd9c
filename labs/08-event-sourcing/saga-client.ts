import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { loadInventoryProto, stockLevelOf, type InventoryServiceClient } from '@commlab/contracts';
import type { LabUnderTest } from '@commlab/lab/testing';
import type { Order } from './lab-client.ts';

/** A payment as services/payment answers it. */
export interface Payment {
  orderId: string;
  amount: number;
  status: 'completed' | 'declined' | 'refunded' | 'voided';
  code?: string;
}

/** A saga as order-orchestrated's /sagas answers it. */
export interface Saga {
  id: string;
  step: string;
  status: 'running' | 'compensating' | 'completed' | 'compensated' | 'rejected';
  reason?: { code: string; detail: string };
  history: { step: string; outcome: string }[];
}

/** What the saga tests do: orders through either order service, payments, sagas, stock. */
export function sagaClient(lab: LabUnderTest) {
  const json = async <T>(url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  let inventory: InventoryServiceClient | undefined;
  const orderAt = (service: 'order' | 'order-orchestrated') => lab.url(service);
  return {
    place: (service: 'order' | 'order-orchestrated', customerId: string, lines: Order['lines']) =>
      json<Order>(`${orderAt(service)}/v2/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: { id: customerId }, lines }),
      }),
    order: (service: 'order' | 'order-orchestrated', id: string) => json<Order>(`${orderAt(service)}/v2/orders/${id}`),
    /** Polls until the order leaves `pending` (its saga is over for the customer). */
    settled: async (service: 'order' | 'order-orchestrated', id: string, timeoutMs = 30_000) => {
      for (const until = Date.now() + timeoutMs; ;) {
        const { body } = await json<Order>(`${orderAt(service)}/v2/orders/${id}`).catch(() => ({ body: undefined }));
        if (body && body.status !== 'pending') return body;
        if (Date.now() > until) throw new Error(`order ${id} still pending after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    payment: (orderId: string) => json<Payment>(`${lab.url('payment')}/payments/${orderId}`),
    payments: async () =>
      (await json<{ payments: Payment[] }>(`${lab.url('payment')}/payments?limit=500`)).body.payments,
    saga: (id: string) => json<Saga>(`${lab.url('order-orchestrated')}/sagas/${id}`),
    sagas: async () => (await json<{ sagas: Saga[] }>(`${lab.url('order-orchestrated')}/sagas?limit=1000`)).body.sagas,
    /** Available units of a SKU, from inventory over gRPC. */
    available: async (sku: string) => {
      inventory ??= new InventoryService(lab.addr('inventory'), credentials.createInsecure());
      return (await stockLevelOf(inventory, sku)).available;
    },
    close: () => inventory?.close(),
  };
}
