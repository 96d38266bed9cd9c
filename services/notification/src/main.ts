import { openEventBus } from '@commlab/events';
import { startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { NotificationConfig } from './config.ts';
import { orderEventHandler, orderEventTypeList } from './events/order-events.ts';
import { openNotificationLog } from './store/open-log.ts';

await startService('notification', NotificationConfig, async (config, logger) => {
  const log = await openNotificationLog(config);
  const bus = await openEventBus(config, logger);
  const orderEvents = await bus?.subscriber.subscribe(
    { group: 'notification.order-events', types: orderEventTypeList },
    orderEventHandler(log, logger),
  );
  const app = await createApp({
    logger,
    log,
    readiness: [
      { name: 'notification log', check: log.ping },
      ...(bus ? [{ name: 'event bus', check: bus.ping }] : []),
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'order events subscription', close: () => orderEvents?.close() },
    { name: 'event bus', close: () => bus?.close() },
    { name: 'notification log', close: log.close },
  ];
});
