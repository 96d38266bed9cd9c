import type { Static } from 'typebox';
import { closeInTurn, serviceHttpApp, healthRoutes, type Closeable, type Logger } from '@commlab/kit';
import { postgresDatabase } from '@commlab/sql';
import type { CdcConfig } from './config.ts';
import { connectApi } from './connect-api.ts';
import { connectorKeeper } from './keeper.ts';

/**
 * Lab 08's log-based outbox, wired: the keeper of the Debezium connector, and a small HTTP
 * face — /connector (its names and its state as Kafka Connect reports it) and /readyz (ready
 * once the connector streams). It waits for the order service, whose event store it streams.
 */
export async function buildService(config: Static<typeof CdcConfig>, { logger }: { logger: Logger }) {
  const db = await postgresDatabase(config.EVENT_STORE_URL, { max: 1 });
  const keeper = connectorKeeper({
    api: connectApi(config.CONNECT_URL),
    db,
    namespace: config.EVENT_NAMESPACE,
    databaseUrl: config.EVENT_STORE_URL,
    checkMs: config.CDC_CHECK_MS,
    logger,
  });
  const app = await serviceHttpApp({ logger });
  await app.register(healthRoutes, { checks: [{ name: 'debezium connector', check: keeper.ready }] });
  app.get('/connector', async () => keeper.status());
  const parts: Closeable[] = [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'connector keeper', close: async () => keeper.stop() },
    { name: 'database', close: () => db.close() },
  ];
  return {
    app,
    start: async () => {
      await app.listen({ host: config.HOST, port: config.PORT });
      keeper.start();
    },
    parts,
    close: () => closeInTurn(parts),
  };
}
