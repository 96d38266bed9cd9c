import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { OrderError } from '../domain/errors.ts';
import type { SagaStore } from './sql-sagas.ts';

/** The orchestrator's sagas, to read (lab 08): where each is, and what each step did. */
export const sagaRoutes: FastifyPluginAsyncTypebox<{ sagas: SagaStore }> = async (app, { sagas }) => {
  app.get(
    '/sagas',
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ sagas: await sagas.list(request.query.limit) }),
  );
  app.get(
    '/sagas/:id',
    { schema: { hide: true, params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }) } },
    async (request) => {
      const saga = await sagas.get(request.params.id);
      if (!saga)
        throw new OrderError('ORDER_NOT_FOUND', `no saga ${request.params.id}`, { subject: request.params.id });
      return saga;
    },
  );
};
