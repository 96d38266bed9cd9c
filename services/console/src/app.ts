import { readFileSync } from 'node:fs';
import { serviceHttpApp, type Logger } from '@commlab/kit';
import { Board } from './domain/board.ts';
import { consoleProblems, labRoutes, type LabLinks } from './http/lab-routes.ts';
import { reportRoute } from './http/report-route.ts';
import { streamRoute } from './http/stream-route.ts';
import { traceRoute } from './http/trace-route.ts';

const page = (file: string) => readFileSync(new URL(`./page/${file}`, import.meta.url), 'utf8');
const assets = {
  '/': { type: 'text/html; charset=utf-8', body: page('index.html') },
  '/console.js': { type: 'text/javascript; charset=utf-8', body: page('console.js') },
  '/console.css': { type: 'text/css; charset=utf-8', body: page('console.css') },
};

/** The lab console: a page, the stream it draws from, and the endpoint services report to. */
export async function createApp(links: LabLinks, { logger }: { logger: Logger }) {
  const board = new Board();
  const app = await serviceHttpApp({ logger, problems: { problems: consoleProblems, service: 'console' } });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready', checks: [] }));
  for (const [path, asset] of Object.entries(assets)) {
    app.get(path, async (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body),
    );
  }
  await reportRoute(app, { board });
  await streamRoute(app, { board });
  await labRoutes(app, links);
  await traceRoute(app, { zipkinUrl: links.zipkinUrl });
  return app;
}
