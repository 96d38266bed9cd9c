import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requestIdFrom, requestIdHeader, serviceHttpApp, type Logger } from '@commlab/kit';
import type { Inventory } from '../domain/ledger.ts';
import { inventoryProblems, stockErrorProblem } from './problems.ts';
import { inventoryRoutes } from './routes.ts';

/** Same limit as a gRPC message and a Thrift frame: the three edges refuse the same sizes. */
export const bodyLimitBytes = 64 * 1024;

/**
 * Inventory's REST/JSON edge: the unary calls of the gRPC contract as HTTP resources, there to
 * compare the two (chapter 4). Builds the app; never listens.
 */
export async function createHttpApp({ inventory, logger }: { inventory: Inventory; logger: Logger }) {
  const app = (
    await serviceHttpApp({
      logger: logger.child({ transport: 'http' }),
      problems: { problems: inventoryProblems, service: 'inventory', translate: stockErrorProblem },
      bodyLimit: bodyLimitBytes,
      requestIdLogLabel: 'requestId',
      genReqId: (request) => requestIdFrom(request.headers[requestIdHeader]),
      // A body must say what it means: "2" is not a quantity.
      ajv: { coerceTypes: false, allErrors: true },
    })
  ).withTypeProvider<TypeBoxTypeProvider>();
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready' }));
  await app.register(inventoryRoutes, { inventory });
  return app;
}
