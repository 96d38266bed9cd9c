import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OrderError } from '../domain/errors.ts';
import type { OrderReadModels } from '../domain/ports.ts';
import { CustomerId, OrderParams, OrderStatus, ok, problems } from './schemas.ts';

const tags = ['event sourcing'];

const Consistency = Type.Object(
  {
    position: Type.Integer({ description: 'the last position of the log this read model applied' }),
    head: Type.Integer({ description: 'the last position stored' }),
    behind: Type.Integer({ description: 'events stored but not in this answer yet (0: up to date)' }),
  },
  { description: 'how far this answer is behind the log: read models follow it, a moment later' },
);

const StreamEvent = Type.Object({
  version: Type.Integer(),
  position: Type.Integer(),
  id: Type.String(),
  type: Type.String(),
  status: OrderStatus,
  recordedAt: Type.String(),
});

const Summary = Type.Object({
  orderId: Type.String(),
  customerId: Type.String(),
  status: OrderStatus,
  itemCount: Type.Integer(),
  version: Type.Integer(),
  position: Type.Integer(),
  updatedAt: Type.String(),
});

const HistoryEntry = Type.Object({
  position: Type.Integer(),
  orderId: Type.String(),
  event: Type.String(),
  status: OrderStatus,
  itemCount: Type.Integer(),
  recordedAt: Type.String(),
});

const ReadModelName = Type.Union([Type.Literal('order-summary'), Type.Literal('customer-history')]);

/**
 * The event-sourced side of the order API (ORDER_STORE=event-store): an order's stream as
 * stored, the two read models with their `consistency`, and a rebuild of either by replay.
 */
export const readModelRoutes: FastifyPluginAsyncTypebox<{ readModels: OrderReadModels }> = async (
  app,
  { readModels },
) => {
  app.get(
    '/v2/orders/:id/events',
    {
      schema: {
        summary: "An order's stream: every event, with its version in the stream and position in the log",
        tags,
        params: OrderParams,
        response: {
          200: ok(Type.Object({ orderId: Type.String(), events: Type.Array(StreamEvent) }), 'the stream'),
          ...problems(404, 429),
        },
      },
    },
    async (request) => {
      const events = await readModels.stream(request.params.id);
      if (!events) {
        throw new OrderError('ORDER_NOT_FOUND', `order ${request.params.id} does not exist`, {
          subject: request.params.id,
        });
      }
      return { orderId: request.params.id, events };
    },
  );

  app.get(
    '/v2/orders/:id/snapshot',
    {
      schema: {
        summary: "An order's latest snapshot, checked against a fold of its events up to the snapshot's version",
        tags,
        params: OrderParams,
        response: {
          200: ok(
            Type.Object({
              snapshotVersion: Type.Union([Type.Integer(), Type.Null()], {
                description: 'the version the snapshot folds up to; null: none taken yet',
              }),
              streamVersion: Type.Integer(),
              equal: Type.Boolean({ description: 'the snapshot holds exactly what replaying the events gives' }),
            }),
            'the check',
          ),
          ...problems(404, 429),
        },
      },
    },
    async (request) => {
      const check = await readModels.snapshot(request.params.id);
      if (!check) {
        throw new OrderError('ORDER_NOT_FOUND', `order ${request.params.id} does not exist`, {
          subject: request.params.id,
        });
      }
      return check;
    },
  );

  app.get(
    '/v2/order-summaries',
    {
      schema: {
        summary: 'The order summary read model (a projection of the log), with its consistency',
        tags,
        querystring: Type.Object(
          {
            customerId: Type.Optional(CustomerId),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ok(Type.Object({ orders: Type.Array(Summary), consistency: Consistency }), 'the summaries'),
          ...problems(400, 429),
        },
      },
    },
    async (request) => readModels.summaries(request.query),
  );

  app.get(
    '/v2/customers/:customerId/history',
    {
      schema: {
        summary: "A customer's history read model: every event of their orders, with its consistency",
        tags,
        params: Type.Object({ customerId: CustomerId }),
        querystring: Type.Object(
          {
            after: Type.Integer({ minimum: 0, default: 0, description: 'only entries after this log position' }),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ok(Type.Object({ entries: Type.Array(HistoryEntry), consistency: Consistency }), 'the history'),
          ...problems(400, 429),
        },
      },
    },
    async (request) => readModels.history(request.params.customerId, request.query),
  );

  app.post(
    '/v2/read-models/:name/rebuild',
    {
      schema: {
        summary: 'Drop a read model and replay the whole log into it; answers once it caught up',
        tags,
        params: Type.Object({ name: ReadModelName }),
        response: { 200: ok(Type.Object({ consistency: Consistency }), 'rebuilt'), ...problems(400, 429) },
      },
    },
    async (request) => ({ consistency: await readModels.rebuild(request.params.name) }),
  );
};
