import { credentials } from '@grpc/grpc-js';
import { loadInventoryProto, stockLevelOf, type InventoryServiceClient } from '@commlab/contracts';
import type { LabUnderTest } from '@commlab/lab/testing';

/** What the lab's tests and measure.ts do to the running lab: place, read, wait, count. */
export interface Order {
  id: string;
  customerId: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'cancelled';
  lines: { sku: string; quantity: number }[];
}

export interface Notification {
  seq: number;
  eventId: string;
  type: string;
  orderId: string;
  status: string;
  data: { reason?: { code: string; detail: string } };
}

export type Checkout = 'order-sync' | 'order-async';

export function labClient(lab: LabUnderTest) {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  let inventory: InventoryServiceClient | undefined;
  const inventoryClient = () =>
    (inventory ??= new InventoryService(lab.addr('inventory'), credentials.createInsecure()));

  const client = {
    place: async (checkout: Checkout, lines: Order['lines'], customerId = 'lab-02') => {
      const response = await fetch(`${lab.url(checkout)}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, lines }),
      });
      return { response, body: (await response.json()) as Order & { type?: string } };
    },

    get: async (checkout: Checkout, id: string) =>
      (await (await fetch(`${lab.url(checkout)}/orders/${id}`)).json()) as Order,

    /** Every order the service holds (a lab's worth: a few pages at most). */
    all: async (checkout: Checkout) => {
      const orders: Order[] = [];
      let cursor: string | undefined;
      do {
        const page = (await (
          await fetch(`${lab.url(checkout)}/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        ).json()) as { items: Order[]; next?: string };
        orders.push(...page.items);
        cursor = page.next;
      } while (cursor);
      return orders;
    },

    /** Polls until the order leaves `pending`; gives up (and says so) after `timeoutMs`. */
    settled: async (checkout: Checkout, id: string, timeoutMs = 20_000, everyMs = 20) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const order = await client.get(checkout, id);
        if (order.status !== 'pending') return order;
        if (Date.now() > until) throw new Error(`order ${id} still pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },

    notifications: async (query: string) =>
      (
        (await (await fetch(`${lab.url('notification')}/notifications?${query}`)).json()) as {
          items: Notification[];
        }
      ).items,

    /** Polls the notification log until `done` holds for what it returns. */
    notificationsUntil: async (query: string, done: (items: Notification[]) => boolean, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const items = await client.notifications(query);
        if (done(items)) return items;
        if (Date.now() > until) throw new Error(`notifications?${query}: not there after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },

    stockOf: (sku: string) => stockLevelOf(inventoryClient(), sku),

    close: () => {
      inventory?.close();
      inventory = undefined;
    },
  };
  return client;
}
