import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Inventory } from '../domain/ledger.ts';
import { callerSignal } from './caller-signal.ts';

// Shapes only; the domain checks values (SKU format, quantity range), so every transport
// refuses the same input with the same words.
const Line = Type.Object({ sku: Type.String(), quantity: Type.Integer() }, { additionalProperties: false });
const ReservationParams = Type.Object({ id: Type.String() });

/** The unary inventory calls as resources: stock to read, reservations to put and delete. */
export const inventoryRoutes: FastifyPluginAsyncTypebox<{ inventory: Inventory }> = async (app, { inventory }) => {
  app.get(
    '/stock',
    { schema: { querystring: Type.Object({ skus: Type.Optional(Type.String()) }, { additionalProperties: false }) } },
    async (request) => ({ items: await inventory.stockLevels(request.query.skus?.split(',') ?? []) }),
  );

  // PUT, because a reservation is idempotent by its id: putting the same lines again is a no-op.
  app.put(
    '/reservations/:id',
    {
      schema: {
        params: ReservationParams,
        body: Type.Object({ lines: Type.Array(Line) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => ({
      reservationId: request.params.id,
      items: await inventory.reserve(request.params.id, request.body.lines, callerSignal(request, reply)),
    }),
  );

  app.delete('/reservations/:id', { schema: { params: ReservationParams } }, async (request) => ({
    reservationId: request.params.id,
    released: await inventory.release(request.params.id),
  }));
};
