import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  serviceHttpApp,
  healthRoutes,
  noEdgeReporter,
  type EdgeReporter,
  type Logger,
  type ReadinessCheck,
} from '@commlab/kit';
import type { NotificationSettings } from './config.ts';
import type { EventLog } from './domain/event-log.ts';
import { Fanout } from './domain/fanout.ts';
import { injectRoute } from './http/inject-route.ts';
import { notificationsRoutes } from './http/notifications-routes.ts';
import { pollRoute } from './http/poll-route.ts';
import { notificationProblems } from './http/problems.ts';
import { sseRoute } from './http/sse-route.ts';
import { pushRoute } from './ws/push-route.ts';

export interface NotificationDeps {
  /** The event log every route reads (and /inject appends to). */
  log: EventLog;
  logger: Logger;
  edges?: EdgeReporter;
  /** What /readyz checks (the database, the event bus). */
  readiness?: ReadinessCheck[];
}

const clientScript = readFileSync(createRequire(import.meta.url).resolve('@commlab/push/client.js'), 'utf8');

/**
 * The notification service's HTTP surface: the event log of order status changes, pushed over
 * WebSockets (/ws), Server-Sent Events (/sse) and long-polling (/poll), and read by
 * GET /notifications. Builds the app; never listens.
 */
export async function createApp(
  config: NotificationSettings,
  { log, logger, edges = noEdgeReporter, readiness = [] }: NotificationDeps,
) {
  const app = (
    await serviceHttpApp({ logger, problems: { problems: notificationProblems, service: 'notification' } })
  ).withTypeProvider<TypeBoxTypeProvider>();
  const fanout = new Fanout(log);
  app.addHook('onClose', async () => fanout.close());

  await app.register(healthRoutes, { checks: readiness });
  await app.register(notificationsRoutes, { log });
  // The browser client, served to any origin: a module script from another origin needs CORS.
  app.get('/push/client.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('access-control-allow-origin', '*').send(clientScript),
  );
  await pushRoute(app, { fanout, config, edges });
  await sseRoute(app, { fanout, config, edges });
  await pollRoute(app, { log, config, edges });
  if (config.PUSH_INJECT) await injectRoute(app, { log });
  return app;
}
