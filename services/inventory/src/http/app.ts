import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CompactRequestLog,
  drainOnClose,
  problemDetails,
  requestIdFrom,
  requestIdHeader,
  type Logger,
} from '@commlab/kit';
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
  const app = Fastify({
    loggerInstance: logger.child({ transport: 'http' }) as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    return503OnClosing: true,
    logController: new CompactRequestLog({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => requestIdFrom(request.headers[requestIdHeader]),
    // A body must say what it means: "2" is not a quantity.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  drainOnClose(app);
  app.removeContentTypeParser('text/plain');
  await app.register(problemDetails, {
    problems: inventoryProblems,
    service: 'inventory',
    translate: stockErrorProblem,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready' }));
  await app.register(inventoryRoutes, { inventory });
  return app;
}
