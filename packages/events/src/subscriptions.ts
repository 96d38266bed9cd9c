import type { Subscription } from './bus.ts';

/** The subscriptions a bus opened, so closing the bus closes them first. */
export function openSubscriptions() {
  const open = new Set<Subscription>();
  return {
    track(subscription: Subscription): Subscription {
      const tracked: Subscription = {
        close: async () => {
          open.delete(tracked);
          await subscription.close();
        },
      };
      open.add(tracked);
      return tracked;
    },
    closeAll: () => Promise.allSettled([...open].map((s) => s.close())),
  };
}
