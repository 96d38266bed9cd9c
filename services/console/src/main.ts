import { startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { ConsoleConfig } from './config.ts';

await startService('console', ConsoleConfig, async (config, logger) => {
  const app = await createApp(
    {
      labId: config.LAB_ID,
      orderUrl: config.ORDER_URL,
      notificationPort: config.NOTIFICATION_PORT,
      tokenSecret: config.PUSH_TOKEN_SECRET,
    },
    { logger },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  return [{ name: 'HTTP server', close: () => app.close() }];
});
