import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { EventLog, LogEntry } from '../domain/event-log.ts';

const Query = Type.Object(
  {
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    after: Type.Integer({ minimum: 0, default: 0, description: 'return entries after this seq' }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

/** An entry as /notifications has always shown it (guides match its fields in this order). */
const toItem = ({ id, eventId, customerId, orderId, type, status, time, data }: LogEntry) => ({
  seq: id,
  eventId,
  customerId,
  orderId,
  type,
  status,
  time,
  data,
});

/** Reads the event log: what a customer was told, in order, from a position (`seq`, the push `id`) on. */
export const notificationsRoutes: FastifyPluginAsyncTypebox<{ log: EventLog }> = async (app, { log }) => {
  app.get('/notifications', { schema: { querystring: Query } }, async (request) => {
    const items = (await log.read(request.query)).map(toItem);
    return { items, last: items.at(-1)?.seq ?? request.query.after };
  });
};
