import { openEventBus, type BusSettings, type Subscription } from '@commlab/events';
import { busEdges, type EdgeReporter, type Logger, type ReadinessCheck } from '@commlab/kit';
import type { EventOutbox } from '../domain/event-ports.ts';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import { EventRelay } from './relay.ts';
import { stockResultHandler, stockResultTypes } from './stock-results.ts';

export interface EventEdgeConfig extends BusSettings {
  CHECKOUT_MODE: 'sync' | 'async';
  EVENT_RELAY_INTERVAL_MS: number;
}

/**
 * The order service's side of the event bus, as configured: the relay publishing the outbox
 * (whenever a bus is set), and, in async checkout, the subscription to inventory's answers.
 */
export async function openEventEdge(
  config: EventEdgeConfig,
  { outbox, logger, edges, service }: { outbox: EventOutbox; logger: Logger; edges: EdgeReporter; service: string },
) {
  const bus = await openEventBus(config, logger);
  const reports = busEdges(edges, { service, bus: config.EVENT_BUS });
  const relay =
    bus &&
    new EventRelay({
      outbox,
      publisher: reports.publisher(bus),
      logger,
      intervalMs: config.EVENT_RELAY_INTERVAL_MS,
    });
  let stockResults: Subscription | undefined;
  const readiness: ReadinessCheck[] = bus ? [{ name: 'event bus', check: bus.ping }] : [];

  return {
    /** Publish what a commit just stored now, rather than on the relay's next round. */
    onEventsStored: () => relay?.kick(),
    readiness,
    start: async (lifecycle: OrderLifecycle) => {
      // Only async checkout waits for inventory's answer by event.
      if (bus && config.CHECKOUT_MODE === 'async') {
        stockResults = await bus.subscribe(
          { group: 'order.stock-results', types: stockResultTypes },
          reports.handler(stockResultHandler(lifecycle, logger)),
        );
      }
      relay?.start();
    },
    close: async () => {
      await stockResults?.close();
      await relay?.close();
      await bus?.close();
    },
  };
}
