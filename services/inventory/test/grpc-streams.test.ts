import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdjustStockSummary, GetStockResponse, SessionReply, StockLevel } from '@commlab/contracts';
import type { Inventory } from '../src/domain/ledger.ts';
import { call, nextMessage, readAll, startInventory } from './helpers.ts';

// Waits for something the servers do in their own time; generous, for a busy two-core machine.
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/** Wraps the real inventory, counting the watches still open (a double at our own interface). */
function countingWatches() {
  let open = 0;
  const wrap = (real: Inventory): Inventory => ({
    stockLevels: (skus) => real.stockLevels(skus),
    reserve: (id, lines, signal) => real.reserve(id, lines, signal),
    release: (id) => real.release(id),
    adjust: (adjustments) => real.adjust(adjustments),
    watch: async (skus, onLevel) => {
      const watch = await real.watch(skus, onLevel);
      open++;
      return {
        stop: () => {
          open--;
          watch.stop();
        },
      };
    },
  });
  return { wrap, open: () => open };
}

describe('inventory gRPC streaming calls', () => {
  let inventory: Awaited<ReturnType<typeof startInventory>>;
  let watches: ReturnType<typeof countingWatches>;
  beforeEach(async () => {
    watches = countingWatches();
    inventory = await startInventory({ inventory: watches.wrap });
  });
  afterEach(() => inventory.close());

  const client = () => inventory.client;
  const stockOf = async (sku: string) =>
    (await call<GetStockResponse>((cb) => client().GetStock({ skus: [sku] }, cb))).reply!.items[0]!;

  describe('WatchStock (server streaming)', () => {
    it('sends the current level first, then each change, and stops watching when the client cancels', async () => {
      const stream = client().WatchStock({ skus: ['MS-002'] });
      const seen: StockLevel[] = [];
      stream.on('data', (level: StockLevel) => seen.push(level));
      stream.on('error', () => {}); // the cancellation below ends the stream with CANCELLED
      await eventually(() => expect(seen).toHaveLength(1));
      expect(seen[0]).toMatchObject({ sku: 'MS-002', available: 40, reserved: 0 });

      await call((cb) => client().Reserve({ reservationId: 'w-1', lines: [{ sku: 'MS-002', quantity: 3 }] }, cb));
      await call((cb) => client().Release({ reservationId: 'w-1' }, cb));
      await eventually(() => expect(seen.map((l) => l.available)).toEqual([40, 37, 40]));

      expect(watches.open()).toBe(1);
      stream.cancel();
      await eventually(() => expect(watches.open()).toBe(0));
    });

    it('stops watching when the deadline passes', async () => {
      const stream = client().WatchStock({ skus: ['KB-001'] }, { deadline: Date.now() + 2_000 });
      const ended = readAll<StockLevel>(stream);
      await eventually(() => expect(watches.open()).toBe(1));
      const { messages, error } = await ended;
      expect(messages.map((level) => level.sku)).toEqual(['KB-001']);
      expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
      await eventually(() => expect(watches.open()).toBe(0));
    });

    it.each([
      ['INVALID_ARGUMENT for no SKUs', [], status.INVALID_ARGUMENT],
      ['INVALID_ARGUMENT for a malformed SKU', ['kb 1'], status.INVALID_ARGUMENT],
      ['INVALID_ARGUMENT for more than 100 SKUs', Array.from({ length: 101 }, () => 'KB-001'), status.INVALID_ARGUMENT],
      ['NOT_FOUND for an unknown SKU', ['NOPE-1'], status.NOT_FOUND],
    ])('ends with %s and watches nothing', async (_label, skus, code) => {
      const { messages, error } = await readAll(client().WatchStock({ skus }));
      expect(messages).toEqual([]);
      expect(error?.code).toBe(code);
      expect(watches.open()).toBe(0);
    });
  });

  describe('AdjustStock (client streaming)', () => {
    const upload = (adjustments: object[], metadata = new Metadata()) =>
      new Promise<{ error: ServiceError | null; reply: AdjustStockSummary | undefined }>((resolve) => {
        const stream = client().AdjustStock(metadata, (error, reply) => resolve({ error, reply }));
        for (const adjustment of adjustments) stream.write(adjustment);
        stream.end();
      });

    it('applies the whole upload when the client half-closes, and sums it up', async () => {
      const { error, reply } = await upload([
        { sku: 'LT-012', delta: 10, reason: 'ADJUSTMENT_REASON_RECEIVED' },
        { sku: 'DK-006', delta: -2, reason: 'ADJUSTMENT_REASON_DAMAGED' },
        { sku: 'LT-012', delta: -1, reason: 'ADJUSTMENT_REASON_COUNTED' },
      ]);
      expect(error).toBeNull();
      expect(reply).toEqual({
        adjustments: 3,
        items: [
          { sku: 'DK-006', name: 'USB-C dock', available: 10, reserved: 0 },
          { sku: 'LT-012', name: 'Desk lamp', available: 9, reserved: 0 },
        ],
      });
    });

    it.each([
      ['a zero delta', { sku: 'LT-012', delta: 0, reason: 'ADJUSTMENT_REASON_COUNTED' }, 'adjustments[1].delta'],
      [
        'a huge delta',
        { sku: 'LT-012', delta: 2_000_000, reason: 'ADJUSTMENT_REASON_RECEIVED' },
        'adjustments[1].delta',
      ],
      ['no reason', { sku: 'LT-012', delta: 1 }, 'adjustments[1].reason'],
      ['an enum value this server does not know', { sku: 'LT-012', delta: 1, reason: 99 }, 'adjustments[1].reason'],
      ['a malformed SKU', { sku: 'lt 12', delta: 1, reason: 'ADJUSTMENT_REASON_RECEIVED' }, 'adjustments[1].sku'],
    ])(
      'refuses an upload with %s as INVALID_ARGUMENT, naming it, and applies nothing',
      async (_label, bad, subject) => {
        const { error } = await upload([{ sku: 'LT-012', delta: 5, reason: 'ADJUSTMENT_REASON_RECEIVED' }, bad]);
        expect(error?.code).toBe(status.INVALID_ARGUMENT);
        expect(error?.metadata.get('error-subject')).toEqual([subject]);
        expect(await stockOf('LT-012')).toMatchObject({ available: 0 });
      },
    );

    it('refuses an upload of more than 1000 adjustments as INVALID_ARGUMENT and applies nothing', async () => {
      const many = Array.from({ length: 1001 }, () => ({
        sku: 'LT-012',
        delta: 1,
        reason: 'ADJUSTMENT_REASON_RECEIVED',
      }));
      const { error } = await upload(many);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toBe('at most 1000 adjustments per upload');
      expect(await stockOf('LT-012')).toMatchObject({ available: 0 });
    });

    it('refuses an empty upload as INVALID_ARGUMENT', async () => {
      const { error } = await upload([]);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
    });

    it('applies nothing when the client cancels its upload before finishing it', async () => {
      const result = new Promise<ServiceError | null>((resolve) => {
        const stream = client().AdjustStock((error) => resolve(error));
        stream.write({ sku: 'LT-012', delta: 7, reason: 'ADJUSTMENT_REASON_RECEIVED' });
        setImmediate(() => stream.cancel());
      });
      expect((await result)?.code).toBe(status.CANCELLED);
      expect(await stockOf('LT-012')).toMatchObject({ available: 0 });
    });
  });

  describe('ReserveSession (bidirectional streaming)', () => {
    it('answers each request in order, refusals included, without ending the session', async () => {
      const session = client().ReserveSession();
      const replies = readAll<SessionReply>(session);
      session.write({ correlationId: 'a', reserve: { reservationId: 's-1', lines: [{ sku: 'HD-004', quantity: 2 }] } });
      session.write({
        correlationId: 'b',
        reserve: { reservationId: 's-2', lines: [{ sku: 'CH-011', quantity: 99 }] },
      });
      session.write({ correlationId: 'c', reserve: { reservationId: 's-3', lines: [{ sku: 'NOPE-1', quantity: 1 }] } });
      session.write({ correlationId: 'd' });
      session.write({ correlationId: 'e', release: { reservationId: 's-1' } });
      session.end();

      const { messages, error } = await replies;
      expect(error).toBeNull();
      expect(messages.map((m) => [m.correlationId, m.outcome])).toEqual([
        ['a', 'reserved'],
        ['b', 'refusal'],
        ['c', 'refusal'],
        ['d', 'refusal'],
        ['e', 'released'],
      ]);
      expect(messages[0]!.reserved!.items).toEqual([
        { sku: 'HD-004', name: 'Noise-cancelling headphones', available: 13, reserved: 2 },
      ]);
      expect(messages[1]!.refusal).toEqual({
        code: status.FAILED_PRECONDITION,
        reason: 'INSUFFICIENT_STOCK',
        subject: 'CH-011',
        message: 'not enough CH-011: 99 requested, 5 available',
      });
      expect(messages[2]!.refusal).toMatchObject({ code: status.NOT_FOUND, reason: 'UNKNOWN_SKU' });
      expect(messages[3]!.refusal).toMatchObject({ code: status.INVALID_ARGUMENT, subject: 'action' });
      expect(messages[4]!.released).toEqual({ reservationId: 's-1', released: true });
      expect(await stockOf('HD-004')).toMatchObject({ available: 15, reserved: 0 });
    });

    it('ends a session of more than 1000 requests with INVALID_ARGUMENT', async () => {
      const session = client().ReserveSession();
      const replies = readAll<SessionReply>(session);
      for (let i = 0; i <= 1000; i++) session.write({ correlationId: String(i), release: { reservationId: `x-${i}` } });
      session.end();
      const { messages, error } = await replies;
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(messages.length).toBeLessThanOrEqual(1000);
    });

    it('lets a client read each reply before it sends the next request', async () => {
      const session = client().ReserveSession();
      session.write({ correlationId: '1', reserve: { reservationId: 'p-1', lines: [{ sku: 'MP-009', quantity: 1 }] } });
      const first = await nextMessage<SessionReply>(session);
      expect(first.reserved!.items[0]!.available).toBe(49);
      session.write({ correlationId: '2', reserve: { reservationId: 'p-2', lines: [{ sku: 'MP-009', quantity: 1 }] } });
      const second = await nextMessage<SessionReply>(session);
      expect(second.reserved!.items[0]!.available).toBe(48);
      session.end();
    });
  });

  it('refuses a message over 64 KiB with RESOURCE_EXHAUSTED before it reaches the domain', async () => {
    const { error } = await call((cb) =>
      client().Reserve({ reservationId: 'big', lines: [{ sku: 'K'.repeat(70_000), quantity: 1 }] }, cb),
    );
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    const { reply } = await call<GetStockResponse>((cb) => client().GetStock({ skus: [] }, cb));
    expect(reply!.items.every((item) => item.reserved === 0)).toBe(true);
  });
});
