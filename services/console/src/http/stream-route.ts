import type { FastifyInstance } from 'fastify';
import type { Board, BoardUpdate } from '../domain/board.ts';

/**
 * GET /stream: the page's live view as Server-Sent Events — first the services and recent
 * crossings, then every update. (The console's own page needs one-way push only, so SSE.)
 */
export async function streamRoute(app: FastifyInstance, { board }: { board: Board }) {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  const ticker = setInterval(() => board.tick(), 2_000);
  app.addHook('onClose', async () => clearInterval(ticker));

  app.get('/stream', (request, reply) => {
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    const write = (update: BoardUpdate) => {
      // A page that stopped reading loses updates rather than holding console memory.
      if (res.writableLength < 1_048_576) res.write(`event: ${update.kind}\ndata: ${JSON.stringify(update)}\n\n`);
    };
    write({ kind: 'services', services: board.services() });
    for (const crossing of board.recent()) write({ kind: 'crossing', crossing });
    const unsubscribe = board.subscribe(write);
    const end = () => res.end();
    open.add(end);
    request.raw.once('close', () => {
      unsubscribe();
      open.delete(end);
    });
  });
}
