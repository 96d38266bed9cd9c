import type { HistoryEntry } from '@commlab/testkit';
import type { LabAt } from '@commlab/lab/runner';

/** The two halves of the lab: the order and notification services on one cluster. */
export type Lane = 'kafka' | 'rabbit';

export interface Notification {
  seq: number;
  eventId: string;
  type: string;
  orderId: string;
}

const lines = [{ sku: 'MP-009', quantity: 1 }];

/** What the lab's tests do to the running lab: place orders on a lane, read its notification log. */
export function labClient(lab: Pick<LabAt, 'url'>) {
  return {
    /** Places one small order; its HTTP status and id (when stored). */
    place: async (lane: Lane, customerId = 'lab-11-ha') => {
      const response = await fetch(`${lab.url(`order-${lane}`)}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, lines }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as { id?: string; status?: string };
      return { status: response.status, id: body.id, body };
    },

    /** Every entry of the lane's notification log, oldest first. */
    notifications: async (lane: Lane): Promise<Notification[]> => {
      const all: Notification[] = [];
      for (let after = 0; ;) {
        const response = await fetch(`${lab.url(`notification-${lane}`)}/notifications?after=${after}&limit=500`);
        const { items } = (await response.json()) as { items: Notification[] };
        all.push(...items);
        if (items.length < 500) return all;
        after = items.at(-1)!.seq;
      }
    },
  };
}

export type LabClient = ReturnType<typeof labClient>;

/**
 * The history entry of the event an order announces: an order answered 202 was stored with
 * its order.placed event in the outbox (the service said so: confirmed); any other answer
 * stored nothing (failed).
 */
export function orderEvent(id: string, status: number): HistoryEntry {
  return { kind: 'produced', id: `${id}/placed`, outcome: status === 202 ? 'confirmed' : 'failed' };
}

/** What the notification log says was applied, under the ids orderEvents gives. */
export function appliedEvents(notifications: readonly Notification[]): HistoryEntry[] {
  return notifications.map((n) => ({ kind: 'applied', id: `${n.orderId}/${n.type.split('.').at(-2)}` }));
}
