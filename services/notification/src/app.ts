import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CompactRequestLog, problemContentType, type Logger } from '@commlab/kit';
import type { NotificationLog } from './domain/notifications.ts';
import { notificationsRoutes } from './http/notifications-routes.ts';
import { errorHandler } from './http/problems.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

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
  app.setErrorHandler(errorHandler);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = await Promise.all(
      readiness.map(({ name, check }) =>
        check().then(
          () => ({ name, ok: true }),
          (err: Error) => ({ name, ok: false, error: err.message }),
        ),
      ),
    );
    const failing = checks.filter((c) => !c.ok).map((c) => c.name);
    if (failing.length === 0) return { status: 'ready', checks };
    return reply
      .code(503)
      .type(problemContentType)
      .send({
        type: '/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: `not reachable: ${failing.join(', ')}`,
        checks,
      });
  });
  await app.register(notificationsRoutes, { log });
  return app;
}
