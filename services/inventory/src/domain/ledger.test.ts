import { beforeEach, describe, expect, it } from 'vitest';
import { StockError } from './errors.ts';
import { StockLedger } from './ledger.ts';

const catalogue = [
  { sku: 'A-1', name: 'Alpha', onHand: 5 },
  { sku: 'B-2', name: 'Beta', onHand: 1 },
];

function reason(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof StockError) return err.reason;
    throw err;
  }
  throw new Error('expected a StockError');
}

describe('StockLedger', () => {
  let ledger: StockLedger;
  beforeEach(() => {
    ledger = new StockLedger(catalogue);
  });

  it('reserves every line and reports what remains', () => {
    const levels = ledger.reserve('r1', [
      { sku: 'A-1', quantity: 2 },
      { sku: 'B-2', quantity: 1 },
    ]);
    expect(levels).toEqual([
      { sku: 'A-1', name: 'Alpha', available: 3, reserved: 2 },
      { sku: 'B-2', name: 'Beta', available: 0, reserved: 1 },
    ]);
  });

  it('reserves nothing when any line lacks stock', () => {
    expect(
      reason(() =>
        ledger.reserve('r1', [
          { sku: 'A-1', quantity: 2 },
          { sku: 'B-2', quantity: 2 },
        ]),
      ),
    ).toBe('INSUFFICIENT_STOCK');
    expect(ledger.stockLevels([]).map((l) => l.available)).toEqual([5, 1]);
  });

  it('answers a repeated reservation id with the first result and books nothing twice', () => {
    ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect(ledger.stockLevels(['A-1'])[0]!.available).toBe(3);
  });

  it('treats split lines of one SKU as the same request', () => {
    ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    ledger.reserve('r1', [
      { sku: 'A-1', quantity: 1 },
      { sku: 'A-1', quantity: 1 },
    ]);
    expect(ledger.stockLevels(['A-1'])[0]!.reserved).toBe(2);
  });

  it('refuses the same reservation id with different lines', () => {
    ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect(reason(() => ledger.reserve('r1', [{ sku: 'A-1', quantity: 3 }]))).toBe('RESERVATION_CONFLICT');
  });

  it('returns stock on release, once', () => {
    ledger.reserve('r1', [{ sku: 'A-1', quantity: 2 }]);
    expect(ledger.release('r1')).toBe(true);
    expect(ledger.release('r1')).toBe(false);
    expect(ledger.stockLevels(['A-1'])[0]).toMatchObject({ available: 5, reserved: 0 });
  });

  it('refuses a reservation that arrives after its id was released', () => {
    expect(ledger.release('late')).toBe(false);
    expect(reason(() => ledger.reserve('late', [{ sku: 'A-1', quantity: 1 }]))).toBe('RESERVATION_RELEASED');
    expect(ledger.stockLevels(['A-1'])[0]!.available).toBe(5);
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
  ])('rejects %s as invalid and reserves nothing', (_label, lines) => {
    expect(reason(() => ledger.reserve('r1', lines as never))).toBe('INVALID_ARGUMENT');
    expect(ledger.stockLevels([]).map((l) => l.reserved)).toEqual([0, 0]);
  });

  it('rejects a missing reservation id (a loosely typed edge sent null) and reserves nothing', () => {
    expect(reason(() => ledger.reserve(null as never, [{ sku: 'A-1', quantity: 1 }]))).toBe('INVALID_ARGUMENT');
    expect(ledger.stockLevels(['A-1'])[0]!.reserved).toBe(0);
  });

  it('names an unknown SKU', () => {
    expect(reason(() => ledger.reserve('r1', [{ sku: 'Z-9', quantity: 1 }]))).toBe('UNKNOWN_SKU');
    expect(reason(() => ledger.stockLevels(['Z-9']))).toBe('UNKNOWN_SKU');
  });
});

describe('StockLedger adjustments', () => {
  let ledger: StockLedger;
  beforeEach(() => {
    ledger = new StockLedger(catalogue);
  });

  it('applies a whole upload and reports each adjusted SKU once, by SKU', () => {
    const levels = ledger.adjust([
      { sku: 'B-2', delta: 4, reason: 'RECEIVED' },
      { sku: 'A-1', delta: -2, reason: 'DAMAGED' },
      { sku: 'B-2', delta: 1, reason: 'COUNTED' },
    ]);
    expect(levels).toEqual([
      { sku: 'A-1', name: 'Alpha', available: 3, reserved: 0 },
      { sku: 'B-2', name: 'Beta', available: 6, reserved: 0 },
    ]);
  });

  it('applies nothing when one removal would take stock below zero', () => {
    const run = () =>
      ledger.adjust([
        { sku: 'A-1', delta: 10, reason: 'RECEIVED' },
        { sku: 'B-2', delta: -2, reason: 'DAMAGED' },
      ]);
    expect(reason(run)).toBe('INSUFFICIENT_STOCK');
    expect(ledger.stockLevels([]).map((l) => l.available)).toEqual([5, 1]);
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
  ])('rejects %s as invalid and applies nothing', (_label, adjustments) => {
    const upload = [{ sku: 'B-2', delta: 1, reason: 'RECEIVED' }, ...adjustments] as never[];
    expect(reason(() => ledger.adjust(adjustments.length === 0 ? [] : upload))).toBe('INVALID_ARGUMENT');
    expect(ledger.stockLevels([]).map((l) => l.available)).toEqual([5, 1]);
  });

  it('names an unknown SKU in an upload and applies nothing', () => {
    expect(
      reason(() =>
        ledger.adjust([
          { sku: 'A-1', delta: 1, reason: 'RECEIVED' },
          { sku: 'Z-9', delta: 1, reason: 'RECEIVED' },
        ]),
      ),
    ).toBe('UNKNOWN_SKU');
    expect(ledger.stockLevels(['A-1'])[0]!.available).toBe(5);
  });
});

describe('StockLedger watches', () => {
  it('gives the current levels, then each change of a watched SKU, until stopped', () => {
    const ledger = new StockLedger(catalogue);
    const seen: string[] = [];
    const watch = ledger.watch(['A-1'], (level) => seen.push(`${level.sku}:${level.available}`));
    expect(watch.current).toEqual([{ sku: 'A-1', name: 'Alpha', available: 5, reserved: 0 }]);

    ledger.reserve('w1', [{ sku: 'A-1', quantity: 2 }]);
    ledger.reserve('w2', [{ sku: 'B-2', quantity: 1 }]); // not watched
    ledger.release('w1');
    ledger.adjust([{ sku: 'A-1', delta: 3, reason: 'RECEIVED' }]);
    watch.stop();
    ledger.reserve('w3', [{ sku: 'A-1', quantity: 1 }]);

    expect(seen).toEqual(['A-1:3', 'A-1:5', 'A-1:8']);
  });

  it('keeps telling the other watchers when one of them throws', () => {
    const ledger = new StockLedger(catalogue);
    const seen: number[] = [];
    ledger.watch(['A-1'], () => {
      throw new Error('gone');
    });
    ledger.watch(['A-1'], (level) => seen.push(level.available));
    ledger.reserve('w1', [{ sku: 'A-1', quantity: 1 }]);
    expect(seen).toEqual([4]);
  });

  it.each([
    ['no SKUs', []],
    ['a malformed SKU', ['not a sku']],
    ['more than 100 SKUs', Array.from({ length: 101 }, () => 'A-1')],
  ])('refuses to watch %s', (_label, skus) => {
    expect(reason(() => new StockLedger(catalogue).watch(skus, () => {}))).toBe('INVALID_ARGUMENT');
  });

  it('refuses to watch an unknown SKU', () => {
    expect(reason(() => new StockLedger(catalogue).watch(['Z-9'], () => {}))).toBe('UNKNOWN_SKU');
  });
});
