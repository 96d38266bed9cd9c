import type { Static } from 'typebox';
import { closeInTurn, type Closeable, type Logger } from '@commlab/kit';
import { labAccess } from './access/lab-access.ts';
import { createApp } from './app.ts';
import type { ConsoleConfig } from './config.ts';

/**
 * The lab console, wired as configured: its page, the stream the page draws from, and the
 * endpoint services report to. Nothing runs until `start()`; `parts` are what to close on
 * shutdown. Tests build it the same way (`app.inject`).
 */
export async function buildService(config: Static<typeof ConsoleConfig>, { logger }: { logger: Logger }) {
  const app = await createApp(
    {
      labId: config.LAB_ID,
      orderUrl: config.ORDER_URL,
      notificationPort: config.NOTIFICATION_PORT,
      zipkinUrl: config.ZIPKIN_URL,
      access: labAccess(config),
    },
    { logger },
  );
  const parts: Closeable[] = [{ name: 'HTTP server', close: () => app.close() }];
  return {
    app,
    start: async () => {
      await app.listen({ host: config.HOST, port: config.PORT });
    },
    parts,
    close: () => closeInTurn(parts),
  };
}
