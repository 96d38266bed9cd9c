import type { AddressInfo } from 'node:net';
import { openEventBus, processedEvents, type Subscription } from '@commlab/events';
import { busEdges, createLogger, edgeReporter, type Closeable, type EdgeReporter, type Logger } from '@commlab/kit';
import { eventIdentityFrom } from '@commlab/security/events';
import type { Database } from '@commlab/sql';
import { createApp } from './app.ts';
import { notificationDatabase, type NotificationSettings } from './config.ts';
import { orderEventHandler, orderEventSubscription } from './events/order-events.ts';
import { withNotifyDelay } from './faults/notify-delay.ts';
import { sqlEventLog } from './store/sql-event-log.ts';

/** What a test may hand in instead of what the configuration names. */
export interface NotificationAdapters {
  logger?: Logger;
  /** Default: PostgreSQL at DATABASE_URL, else the SQLite file NOTIFICATION_DB_FILE. */
  database?: Database;
  edges?: EdgeReporter;
}

/**
 * The notification service's composition root: every part and how they connect, in one place.
 * One database holds the event log and the record of processed events; the event consumer
 * appends to the log, and every push transport and GET /notifications read it. main.ts and
 * the tests build the service here, so both run the same graph.
 */
export async function buildService(config: NotificationSettings, adapters: NotificationAdapters = {}) {
  const service = config.SERVICE_NAME ?? 'notification';
  const logger = adapters.logger ?? createLogger({ name: service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const database = adapters.database ?? (await notificationDatabase.open(config));
  const log = await sqlEventLog(database, await processedEvents(database));
  const edges = adapters.edges ?? edgeReporter({ url: config.CONSOLE_URL, service });
  const bus = await openEventBus(config, logger);
  // Lab 09: an order event is appended only when order signed it (EVENT_PRODUCERS).
  const identity = eventIdentityFrom(config);
  const app = await createApp(config, {
    log,
    logger,
    edges,
    readiness: [{ name: 'event log', check: database.ping }, ...(bus ? [{ name: 'event bus', check: bus.ping }] : [])],
  });
  let orderEvents: Subscription | undefined;

  return {
    app,
    log,
    /** Consumes order events and listens (PORT 0: a free port); resolves to the bound address. */
    async start(): Promise<AddressInfo> {
      const reports = busEdges(edges, { service, bus: config.EVENT_BUS });
      const handler = withNotifyDelay(orderEventHandler({ log, logger }), config.NOTIFY_DELAY_MS);
      orderEvents = await bus?.subscribe(orderEventSubscription, reports.handler(identity.handler(handler)));
      await app.listen({ host: config.HOST, port: config.PORT });
      if (config.PUSH_INJECT) logger.warn('PUSH_INJECT is on: POST /inject appends events without a broker (lab only)');
      return app.server.address() as AddressInfo;
    },
    /** What shutdown closes, in order: stop taking requests and events first, the database last. */
    parts: [
      { name: 'HTTP and WebSocket server', close: () => app.close() },
      { name: 'order events subscription', close: () => orderEvents?.close() },
      { name: 'event bus', close: () => bus?.close() },
      { name: 'edge reporter', close: edges.close },
      { name: 'database', close: database.close },
    ] satisfies Closeable[],
  };
}
