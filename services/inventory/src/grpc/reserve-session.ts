import { status } from '@grpc/grpc-js';
import type { InventoryServiceHandlers, SessionReply, SessionRequest } from '@commlab/contracts';
import { StockError } from '../domain/errors.ts';
import type { Inventory } from '../domain/ledger.ts';
import type { CallScope } from './call-scope.ts';
import { invalidArgument, toRefusal } from './status.ts';

export const maxSessionRequests = 1_000;

/**
 * Bidirectional streaming: a reservation session. Requests are answered one at a time, in
 * the order they came, each with exactly one reply; a refusal is a reply, so one bad request
 * does not end the session. When the caller cancels, requests not yet answered are dropped
 * and a reservation still waiting is never made.
 */
export function reserveSession(
  call: Parameters<InventoryServiceHandlers['ReserveSession']>[0],
  inventory: Inventory,
  scope: CallScope,
): void {
  let received = 0;
  let failed = false;
  let queue = Promise.resolve();

  call.on('data', (request: SessionRequest) => {
    if (failed || scope.signal.aborted) return;
    if (++received > maxSessionRequests) {
      failed = true;
      const error = invalidArgument(`at most ${maxSessionRequests} requests per session`, 'requests');
      scope.finish(error);
      call.emit('error', error);
      return;
    }
    queue = queue.then(() => answer(request));
  });
  call.on('end', () => {
    void queue.then(() => {
      if (failed || scope.signal.aborted) return;
      scope.finish('ok');
      call.end();
    });
  });
  scope.signal.addEventListener('abort', () => scope.finish('ok'));

  async function answer(request: SessionRequest): Promise<void> {
    if (failed || scope.signal.aborted) return;
    const correlationId = request.correlationId;
    let reply: SessionReply;
    try {
      reply = { correlationId, ...(await act(request)) };
    } catch (err) {
      if (scope.signal.aborted) return;
      const refusal = toRefusal(err);
      if (refusal.code === status.INTERNAL) scope.log.error({ err }, 'unexpected error in session');
      reply = { correlationId, refusal };
    }
    if (!scope.signal.aborted) call.write(reply);
  }

  async function act(request: SessionRequest): Promise<Omit<SessionReply, 'correlationId'>> {
    if (request.reserve) {
      const { reservationId, lines } = request.reserve;
      const items = await inventory.reserve(reservationId, lines, scope.signal);
      return { reserved: { reservationId, items } };
    }
    if (request.release) {
      const { reservationId } = request.release;
      return { released: { reservationId, released: await inventory.release(reservationId) } };
    }
    throw new StockError('INVALID_ARGUMENT', 'a session request needs reserve or release', 'action');
  }
}
