import { describe, expect, it } from 'vitest';
import { OrderError } from '../domain/errors.ts';
import type { StockReservations } from '../domain/ports.ts';
import { requestScope } from '../request-scope.ts';
import { withinRequestBudget } from './request-budget.ts';

function recording() {
  const calls: { op: string; deadline: Date }[] = [];
  const stock: StockReservations = {
    reserve: async (_id, _lines, deadline) => void calls.push({ op: 'reserve', deadline }),
    release: async (_id, deadline) => void calls.push({ op: 'release', deadline }),
  };
  return { stock, calls };
}

const inFuture = (ms: number) => new Date(Date.now() + ms);

describe('the request budget on the way to inventory', () => {
  it("hands inventory the request's deadline when it comes before the reservation's own", async () => {
    const { stock, calls } = recording();
    const requestDeadline = inFuture(1_000);
    await requestScope.run({ requestId: 'r', deadline: requestDeadline }, () =>
      withinRequestBudget(stock).reserve('o-1', [], inFuture(5_000)),
    );
    expect(calls).toEqual([{ op: 'reserve', deadline: requestDeadline }]);
  });

  it("keeps the reservation's own deadline when the request has more time", async () => {
    const { stock, calls } = recording();
    const own = inFuture(1_000);
    await requestScope.run({ requestId: 'r', deadline: inFuture(60_000) }, () =>
      withinRequestBudget(stock).reserve('o-1', [], own),
    );
    expect(calls[0]!.deadline).toBe(own);
  });

  it('does not ask inventory at all once the budget is spent', async () => {
    const { stock, calls } = recording();
    const attempt = requestScope.run({ requestId: 'r', deadline: new Date(Date.now() - 1) }, () =>
      withinRequestBudget(stock).reserve('o-1', [], inFuture(5_000)),
    );
    await expect(attempt).rejects.toMatchObject({ reason: 'INVENTORY_TIMEOUT' });
    await expect(attempt).rejects.toBeInstanceOf(OrderError);
    expect(calls).toEqual([]);
  });

  it('lets a compensating release outlive the request that failed', async () => {
    const { stock, calls } = recording();
    const own = inFuture(2_000);
    await requestScope.run({ requestId: 'r', deadline: new Date(Date.now() - 1) }, () =>
      withinRequestBudget(stock).release('o-1', own),
    );
    expect(calls).toEqual([{ op: 'release', deadline: own }]);
  });
});
