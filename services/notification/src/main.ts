import { join } from 'node:path';
import { openEventBus } from '@commlab/events';
import { busEdges, edgeReporter, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { NotificationConfig } from './config.ts';
import { orderEventHandler, orderEventTypeList } from './events/order-events.ts';
import { openNotificationLog } from './store/open-log.ts';
import { sqliteFeed } from './store/sqlite-feed.ts';

await startService('notification', NotificationConfig, async (config, logger) => {
  const log = await openNotificationLog(config);
  const feed = sqliteFeed(config.FEED_DB_FILE ?? join(config.DATA_DIR, 'feed.sqlite'));
  const service = config.SERVICE_NAME ?? 'notification';
  const edges = edgeReporter({ url: config.CONSOLE_URL, service });
  const bus = await openEventBus(config, logger);
  const orderEvents = await bus?.subscribe(
    { group: 'notification.order-events', types: orderEventTypeList },
    busEdges(edges, { service, bus: config.EVENT_BUS }).handler(orderEventHandler({ log, feed, logger })),
  );
  const app = await createApp(
    {
      tokenSecret: config.PUSH_TOKEN_SECRET,
      allowedOrigins: config.PUSH_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim()),
      heartbeatMs: config.PUSH_HEARTBEAT_MS,
      maxBufferedBytes: config.PUSH_MAX_BUFFERED_BYTES,
      maxMessageBytes: config.PUSH_MAX_MESSAGE_BYTES,
      ratePerSec: config.PUSH_RATE_PER_SEC,
      longPollWaitMs: config.LONGPOLL_WAIT_MS,
      inject: config.PUSH_INJECT,
    },
    {
      feed,
      log,
      logger,
      edges,
      readiness: [
        { name: 'notification log', check: log.ping },
        ...(bus ? [{ name: 'event bus', check: bus.ping }] : []),
      ],
    },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  if (config.PUSH_INJECT) logger.warn('PUSH_INJECT is on: POST /inject appends events without a broker (lab only)');
  return [
    { name: 'HTTP and WebSocket server', close: () => app.close() },
    { name: 'order events subscription', close: () => orderEvents?.close() },
    { name: 'event bus', close: () => bus?.close() },
    { name: 'edge reporter', close: edges.close },
    { name: 'feed', close: feed.close },
    { name: 'notification log', close: log.close },
  ];
});
