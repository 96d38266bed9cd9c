import { join } from 'node:path';
import { edgeReporter, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { NotificationConfig } from './config.ts';
import { sqliteFeed } from './store/sqlite-feed.ts';

await startService('notification', NotificationConfig, async (config, logger) => {
  const feed = sqliteFeed(config.FEED_DB_FILE ?? join(config.DATA_DIR, 'feed.sqlite'));
  const edges = edgeReporter({ url: config.CONSOLE_URL, service: config.SERVICE_NAME ?? 'notification' });
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
    { feed, logger, edges },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  if (config.PUSH_INJECT) logger.warn('PUSH_INJECT is on: POST /inject appends events without a broker (lab only)');
  return [
    { name: 'HTTP and WebSocket server', close: () => app.close() },
    { name: 'edge reporter', close: edges.close },
    { name: 'feed', close: feed.close },
  ];
});
