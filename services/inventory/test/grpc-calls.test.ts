import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GetStockResponse, ReserveResponse, SessionReply } from '@commlab/contracts';
import type { Inventory } from '../src/domain/ledger.ts';
import { call, capturedLogger, nextMessage, startInventory } from './helpers.ts';

// Waits for something the servers do in their own time; generous, for a busy two-core machine.
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/**
 * Wraps the real inventory so its reservations never finish by themselves (but those named in
 * `answer`): each waits until its caller gives up. It records which reservations started and
 * which were abandoned.
 */
function waitingForever(answer: string[] = []) {
  const started: string[] = [];
  const abandoned: string[] = [];
  const wrap = (real: Inventory): Inventory => ({
    stockLevels: (skus) => real.stockLevels(skus),
    release: (id) => real.release(id),
    adjust: (adjustments) => real.adjust(adjustments),
    watch: (skus, onLevel) => real.watch(skus, onLevel),
    reserve: (id, lines, signal) => {
      started.push(id);
      if (answer.includes(id)) return real.reserve(id, lines, signal);
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          abandoned.push(id);
          reject(signal.reason as Error);
        });
      });
    },
  });
  return { wrap, started, abandoned };
}

describe('inventory gRPC deadlines, cancellation and request ids', () => {
  let inventory: Awaited<ReturnType<typeof startInventory>> | undefined;
  afterEach(() => inventory?.close());

  it('stops a reservation whose caller cancelled the call', async () => {
    const slow = waitingForever();
    inventory = await startInventory({ inventory: slow.wrap });
    let pending: { cancel(): void } | undefined;
    const error = new Promise<ServiceError | null>((resolve) => {
      pending = inventory!.client.Reserve(
        { reservationId: 'cancel-me', lines: [{ sku: 'KB-001', quantity: 1 }] },
        (err) => resolve(err),
      );
    });
    await eventually(() => expect(slow.started).toEqual(['cancel-me'])); // the server is working on it
    pending!.cancel();
    expect((await error)?.code).toBe(status.CANCELLED);
    await eventually(() => expect(slow.abandoned).toEqual(['cancel-me']));
  });

  it("stops a reservation when the caller's deadline passes, because the deadline travels with the call", async () => {
    const slow = waitingForever();
    inventory = await startInventory({ inventory: slow.wrap });
    await call((cb) => inventory!.client.GetStock({ skus: [] }, cb)); // connected, so the deadline is all the server's
    const { error } = await call((cb) =>
      inventory!.client.Reserve(
        { reservationId: 'too-slow', lines: [{ sku: 'KB-001', quantity: 1 }] },
        { deadline: Date.now() + 500 },
        cb,
      ),
    );
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(slow.started).toEqual(['too-slow']);
    await eventually(() => expect(slow.abandoned).toEqual(['too-slow']));
  });

  it('reserves nothing when a slow reservation outlives its deadline', async () => {
    const { logger, lines } = capturedLogger();
    inventory = await startInventory({ env: { RESERVE_DELAY_MS: '5000' }, logger });
    await call((cb) => inventory!.client.GetStock({ skus: [] }, cb)); // connected, so the deadline is all the server's
    const { error } = await call((cb) =>
      inventory!.client.Reserve(
        { reservationId: 'late', lines: [{ sku: 'KB-001', quantity: 1 }] },
        { deadline: Date.now() + 500 },
        cb,
      ),
    );
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    await eventually(() => expect(lines.map((l) => l.msg)).toContain('Reserve stopped: the caller gave up'));
    const { reply } = await call<GetStockResponse>((cb) => inventory!.client.GetStock({ skus: ['KB-001'] }, cb));
    expect(reply!.items[0]).toMatchObject({ available: 25, reserved: 0 });
  });

  it('drops the requests of a session not yet answered when the client cancels it', async () => {
    const slow = waitingForever(['q-1']);
    inventory = await startInventory({ inventory: slow.wrap });
    const session = inventory.client.ReserveSession();
    session.on('error', () => {}); // CANCELLED, as asked
    for (const id of ['q-1', 'q-2', 'q-3']) {
      session.write({ correlationId: id, reserve: { reservationId: id, lines: [{ sku: 'WC-005', quantity: 1 }] } });
    }
    const first = await nextMessage<SessionReply>(session);
    expect(first.correlationId).toBe('q-1');
    session.cancel();
    // q-2 was waiting when the cancel arrived: it is abandoned. q-3 never starts.
    await eventually(() => expect(slow.abandoned).toEqual(['q-2']));
    expect(slow.started).toEqual(['q-1', 'q-2']);
  });

  it("echoes the caller's x-request-id and stamps it on its log lines", async () => {
    const { logger, lines } = capturedLogger();
    inventory = await startInventory({ logger });
    const metadata = new Metadata();
    metadata.set('x-request-id', 'checkout-7');
    const echoed = new Promise<Metadata>((resolve) => {
      const pending = inventory!.client.Reserve(
        { reservationId: 'rid-1', lines: [{ sku: 'KB-001', quantity: 1 }] },
        metadata,
        (_err: ServiceError | null, _reply?: ReserveResponse) => {},
      );
      pending.on('metadata', resolve);
    });
    expect((await echoed).get('x-request-id')).toEqual(['checkout-7']);
    await eventually(() =>
      expect(lines).toContainEqual(expect.objectContaining({ requestId: 'checkout-7', method: 'Reserve', code: 'OK' })),
    );
  });

  it('gives a call without an acceptable request id a fresh one', async () => {
    const { logger, lines } = capturedLogger();
    inventory = await startInventory({ logger });
    const metadata = new Metadata();
    metadata.set('x-request-id', 'two words');
    await call((cb) => inventory!.client.GetStock({ skus: ['KB-001'] }, metadata, cb));
    await eventually(() => expect(lines.some((l) => l.method === 'GetStock')).toBe(true));
    expect(lines.find((l) => l.method === 'GetStock')!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
