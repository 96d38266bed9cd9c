import type { FastifyInstance } from 'fastify';
import { requestIdHeader, requestTimeoutFrom, requestTimeoutHeader } from '@commlab/kit';
import { requestScope } from '../request-scope.ts';
import { orderProblems } from './problems.ts';

/**
 * Opens a request scope for each request: its id (the caller's `x-request-id` when acceptable,
 * echoed back) and its deadline, `REQUEST_BUDGET_MS` from arrival or sooner when the caller's
 * `Request-Timeout` says so. Everything the request does runs inside the scope.
 */
export function installRequestScope(app: FastifyInstance, budgetMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    let timeoutMs: number | undefined;
    try {
      timeoutMs = requestTimeoutFrom(request.headers[requestTimeoutHeader]);
    } catch (err) {
      const detail = (err as Error).message;
      done(
        orderProblems.problem('validation', detail, {
          errors: [{ pointer: `#/headers/${requestTimeoutHeader}`, detail }],
        }),
      );
      return;
    }
    const deadline = new Date(Date.now() + Math.min(timeoutMs ?? budgetMs, budgetMs));
    requestScope.run({ requestId: request.id, deadline }, done);
  });
}
