import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import { commonProblemTypes, sendProblem } from './problem-details.ts';

/** A named check of something the service needs to do its job. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * How long one check may take. A probe must answer in time even when a dependency hangs (a
 * broker that accepts the connection and never answers): a check still pending counts as down.
 */
const checkTimeoutMs = 2_000;

/** /healthz: the process runs. /readyz: every dependency answers (503 names those that don't). */
export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  // Probes, not API: kept out of the OpenAPI document where @fastify/swagger is registered.
  const hide = { schema: { hide: true } as FastifySchema };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs / 1000} s`)), checkTimeoutMs);
        });
        try {
          await Promise.race([check(), timeout]);
          return { name, ok: true };
        } catch (err) {
          return { name, ok: false, error: (err as Error).message };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const failing = results.filter((r) => !r.ok);
    if (failing.length === 0) return { status: 'ready', checks: results };
    const detail = `not reachable: ${failing.map((r) => r.name).join(', ')}`;
    return sendProblem(reply, 'not-ready', commonProblemTypes['not-ready'], detail, { checks: results });
  });
};
