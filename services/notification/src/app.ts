import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CompactRequestLog, drainOnClose, healthRoutes, type Logger, type ReadinessCheck } from '@commlab/kit';
import type { NotificationLog } from './domain/notifications.ts';
import { notificationsRoutes } from './http/notifications-routes.ts';
import { errorHandler } from './http/problems.ts';

export interface NotificationDeps {
  logger: Logger;
  log: NotificationLog;
  readiness: ReadinessCheck[];
}

/**
 * The notification service's HTTP surface: health, and the notification log (what each
 * customer was told, in order). Chapter 6 pushes the same log to browsers over WebSockets.
 */
export async function createApp({ logger, log, readiness }: NotificationDeps) {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    return503OnClosing: true,
    logController: new CompactRequestLog(),
    // An unknown query parameter is a mistake to report, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  drainOnClose(app);
  app.setErrorHandler(errorHandler);
  await app.register(healthRoutes, { checks: readiness });
  await app.register(notificationsRoutes, { log });
  return app;
}
