import type { FastifyInstance } from 'fastify';
import type { Board, Crossing } from '../domain/board.ts';

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

/** What services post (see @commlab/kit edges.ts): who they are and what crossed since last time. */
const reportSchema = {
  type: 'object',
  required: ['service', 'crossings'],
  additionalProperties: false,
  properties: {
    service: text(64),
    crossings: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        required: ['from', 'to', 'protocol', 'label', 'at'],
        additionalProperties: false,
        properties: {
          service: text(64),
          from: text(64),
          to: text(64),
          protocol: text(32),
          label: text(200),
          side: { enum: ['sent', 'received'] },
          orderId: text(64),
          status: text(32),
          ok: { type: 'boolean' },
          at: text(40),
        },
      },
    },
  },
} as const;

/** POST /report: services tell the console what crossed their edges (and that they are alive). */
export async function reportRoute(app: FastifyInstance, { board }: { board: Board }) {
  app.post<{ Body: { service: string; crossings: Omit<Crossing, 'service'>[] } }>(
    '/report',
    { schema: { body: reportSchema }, logLevel: 'warn' },
    async (request, reply) => {
      board.report(request.body.service, request.body.crossings);
      return reply.code(204).send();
    },
  );
}
