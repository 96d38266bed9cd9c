import { beforeEach, describe, expect, it } from 'vitest';
import { StockError } from './errors.ts';
import { StockLedger, type StockItem } from './ledger.ts';
import { sqliteDatabase } from '@commlab/sql';
import { sqlStockStore } from '../store/sql-stock.ts';

const catalogue = [
  { sku: 'A-1', name: 'Alpha', onHand: 5 },
  { sku: 'B-2', name: 'Beta', onHand: 1 },
];

/** A ledger on a throw-away SQLite database, seeded with `items`. */
async function ledgerOf(items: readonly StockItem[]) {
  return new StockLedger(await sqlStockStore(sqliteDatabase(':memory:'), items));
}

async function reason(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    if (err instanceof StockError) return err.reason;
    throw err;
  }
  throw new Error('expected a StockError');
}

describe('StockLedger', () => {
  let ledger: StockLedger<unknown>;
  beforeEach(async () => {
    ledger = await ledgerOf(catalogue);
  });

  it('reserves every line and reports what remains', async () => {
    const levels = await ledger.reserve('r1', [
      { sku: 'A-1', quantity: 2 },
      { sku: 'B-2', quantity: 1 },
    ]);
    expect(levels).toEqual([
      { sku: 'A-1', name: 'Alpha', available: 3, reserved: 2 },
      { sku: 'B-2', name: 'Beta', available: 0, reserved: 1 },
    ]);
  });

  it('reserves nothing when any line lacks stock', async () => {
    expect(
      await reason(() =>
        ledger.reserve('r1', [
          { sku: 'A-1', quantity: 2 },
          { sku: 'B-2', quantity: 2 },
        ]),
      ),
    ).toBe('INSUFFICIENT_STOCK');
    expect((await ledger.stockLevels([])).map((l) => l.available)).toEqual([5, 1]);
  });

  it('answers a repeated reservation id with the first result and books nothing twice', async () => {
    await ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    await ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect((await ledger.stockLevels(['A-1']))[0]!.available).toBe(3);
  });

  it('treats split lines of one SKU as the same request', async () => {
    await ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    await ledger.reserve('r1', [
      { sku: 'A-1', quantity: 1 },
      { sku: 'A-1', quantity: 1 },
    ]);
    expect((await ledger.stockLevels(['A-1']))[0]!.reserved).toBe(2);
  });

  it('refuses the same reservation id with different lines', async () => {
    await ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect(await reason(() => ledger.reserve('r1', [{ sku: 'A-1', quantity: 3 }]))).toBe('RESERVATION_CONFLICT');
  });

  it('returns stock on release, once', async () => {
    await ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect(await ledger.release('r1')).toBe(true);
    expect(await ledger.release('r1')).toBe(false);
    expect((await ledger.stockLevels(['A-1']))[0]).toMatchObject({ available: 5, reserved: 0 });
  });

  it('refuses a reservation that arrives after its id was released', async () => {
    expect(await ledger.release('late')).toBe(false);
    expect(await reason(() => ledger.reserve('late', [{ sku: 'A-1', quantity: 1 }]))).toBe('RESERVATION_RELEASED');
    expect((await ledger.stockLevels(['A-1']))[0]!.available).toBe(5);
  });

  it.each([
    ['an empty line list', []],
    ['a zero quantity', [{ sku: 'A-1', quantity: 0 }]],
    ['a negative quantity', [{ sku: 'A-1', quantity: -1 }]],
    ['a fractional quantity', [{ sku: 'A-1', quantity: 1.5 }]],
    ['a huge quantity', [{ sku: 'A-1', quantity: 1e9 }]],
    [
      'lines of one SKU adding up to more than 10000',
      Array.from({ length: 3 }, () => ({ sku: 'A-1', quantity: 4000 })),
    ],
    ['a malformed SKU', [{ sku: 'not a sku', quantity: 1 }]],
    ['more than 100 lines', Array.from({ length: 101 }, () => ({ sku: 'A-1', quantity: 1 }))],
    ['a missing SKU (a loosely typed edge sent null)', [{ sku: null, quantity: 1 }]],
  ])('rejects %s as invalid and reserves nothing', async (_label, lines) => {
    expect(await reason(() => ledger.reserve('r1', lines as never))).toBe('INVALID_ARGUMENT');
    expect((await ledger.stockLevels([])).map((l) => l.reserved)).toEqual([0, 0]);
  });

  it('rejects a missing reservation id (a loosely typed edge sent null) and reserves nothing', async () => {
    expect(await reason(() => ledger.reserve(null as never, [{ sku: 'A-1', quantity: 1 }]))).toBe('INVALID_ARGUMENT');
    expect((await ledger.stockLevels(['A-1']))[0]!.reserved).toBe(0);
  });

  it('names an unknown SKU', async () => {
    expect(await reason(() => ledger.reserve('r1', [{ sku: 'Z-9', quantity: 1 }]))).toBe('UNKNOWN_SKU');
    expect(await reason(() => ledger.stockLevels(['Z-9']))).toBe('UNKNOWN_SKU');
  });
});

describe('StockLedger adjustments', () => {
  let ledger: StockLedger<unknown>;
  beforeEach(async () => {
    ledger = await ledgerOf(catalogue);
  });

  it('applies a whole upload and reports each adjusted SKU once, by SKU', async () => {
    const levels = await ledger.adjust([
      { sku: 'B-2', delta: 4, reason: 'RECEIVED' },
      { sku: 'A-1', delta: -2, reason: 'DAMAGED' },
      { sku: 'B-2', delta: 1, reason: 'COUNTED' },
    ]);
    expect(levels).toEqual([
      { sku: 'A-1', name: 'Alpha', available: 3, reserved: 0 },
      { sku: 'B-2', name: 'Beta', available: 6, reserved: 0 },
    ]);
  });

  it('applies nothing when one removal would take stock below zero', async () => {
    const run = () =>
      ledger.adjust([
        { sku: 'A-1', delta: 10, reason: 'RECEIVED' },
        { sku: 'B-2', delta: -2, reason: 'DAMAGED' },
      ]);
    expect(await reason(run)).toBe('INSUFFICIENT_STOCK');
    expect((await ledger.stockLevels([])).map((l) => l.available)).toEqual([5, 1]);
  });

  it.each([
    ['an empty upload', []],
    ['a zero delta', [{ sku: 'A-1', delta: 0, reason: 'COUNTED' }]],
    ['a huge delta', [{ sku: 'A-1', delta: 10_001, reason: 'RECEIVED' }]],
    ['a fractional delta', [{ sku: 'A-1', delta: 0.5, reason: 'RECEIVED' }]],
    ['goods received with a negative delta', [{ sku: 'A-1', delta: -1, reason: 'RECEIVED' }]],
    ['damaged goods with a positive delta', [{ sku: 'A-1', delta: 1, reason: 'DAMAGED' }]],
    ['an unknown reason', [{ sku: 'A-1', delta: 1, reason: 'FOUND' }]],
    ['a malformed SKU', [{ sku: 'a 1', delta: 1, reason: 'RECEIVED' }]],
    ['more than 1000 adjustments', Array.from({ length: 1001 }, () => ({ sku: 'A-1', delta: 1, reason: 'RECEIVED' }))],
  ])('rejects %s as invalid and applies nothing', async (_label, adjustments) => {
    const upload = [{ sku: 'B-2', delta: 1, reason: 'RECEIVED' }, ...adjustments] as never[];
    expect(await reason(() => ledger.adjust(adjustments.length === 0 ? [] : upload))).toBe('INVALID_ARGUMENT');
    expect((await ledger.stockLevels([])).map((l) => l.available)).toEqual([5, 1]);
  });

  it('names an unknown SKU in an upload and applies nothing', async () => {
    expect(
      await reason(() =>
        ledger.adjust([
          { sku: 'A-1', delta: 1, reason: 'RECEIVED' },
          { sku: 'Z-9', delta: 1, reason: 'RECEIVED' },
        ]),
      ),
    ).toBe('UNKNOWN_SKU');
    expect((await ledger.stockLevels(['A-1']))[0]!.available).toBe(5);
  });
});

describe('StockLedger watches', () => {
  let ledger: StockLedger<unknown>;
  beforeEach(async () => {
    ledger = await ledgerOf(catalogue);
  });

  it('gives the current levels, then each change of a watched SKU, until stopped', async () => {
    const seen: string[] = [];
    const watch = await ledger.watch(['A-1'], (level) => seen.push(`${level.sku}:${level.available}`));
    expect(seen).toEqual(['A-1:5']);

    await ledger.reserve('w1', [{ sku: 'A-1', quantity: 2 }]);
    await ledger.reserve('w2', [{ sku: 'B-2', quantity: 1 }]); // not watched
    await ledger.release('w1');
    await ledger.adjust([{ sku: 'A-1', delta: 3, reason: 'RECEIVED' }]);
    watch.stop();
    await ledger.reserve('w3', [{ sku: 'A-1', quantity: 1 }]);

    expect(seen).toEqual(['A-1:5', 'A-1:3', 'A-1:5', 'A-1:8']);
  });

  it('keeps telling the other watchers when one of them throws', async () => {
    const seen: number[] = [];
    let current = true;
    await ledger.watch(['A-1'], () => {
      if (!current) throw new Error('gone');
    });
    current = false;
    await ledger.watch(['A-1'], (level) => seen.push(level.available));
    await ledger.reserve('w1', [{ sku: 'A-1', quantity: 1 }]);
    expect(seen).toEqual([5, 4]);
  });

  it('tells no watcher about a change that was not made', async () => {
    const seen: number[] = [];
    await ledger.watch(['A-1'], (level) => seen.push(level.available));
    await expect(ledger.reserve('w1', [{ sku: 'A-1', quantity: 6 }])).rejects.toThrow(StockError);
    expect(seen).toEqual([5]);
  });

  it.each([
    ['no SKUs', []],
    ['a malformed SKU', ['not a sku']],
    ['more than 100 SKUs', Array.from({ length: 101 }, () => 'A-1')],
  ])('refuses to watch %s', async (_label, skus) => {
    expect(await reason(() => ledger.watch(skus, () => {}))).toBe('INVALID_ARGUMENT');
  });

  it('refuses to watch an unknown SKU', async () => {
    expect(await reason(() => ledger.watch(['Z-9'], () => {}))).toBe('UNKNOWN_SKU');
  });
});
