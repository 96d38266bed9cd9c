import Fastify, { type FastifyBaseLogger } from 'fastify';
import { CompactRequestLog, drainOnClose, type Logger } from '@commlab/kit';

export interface NotificationDeps {
  logger: Logger;
}

/**
 * The notification service's HTTP surface. Today: health endpoints. Events arrive with the
 * messaging chapter (05) and are pushed to browsers over WebSockets in chapter 06.
 */
export async function createApp({ logger }: NotificationDeps) {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    return503OnClosing: true,
    logController: new CompactRequestLog(),
  });
  drainOnClose(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready', checks: [] }));
  return app;
}
