import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` drain: requests in flight when shutdown starts still get their answer,
 * sent with `Connection: close`, so their keep-alive sockets end with them instead of holding
 * the server open until the shutdown timeout.
 */
export function drainOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
