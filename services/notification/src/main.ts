import { startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { NotificationConfig } from './config.ts';

await startService('notification', NotificationConfig, async (config, logger) => {
  const app = await createApp({ logger });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [{ name: 'HTTP server', close: () => app.close() }];
});
