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
    ['a malformed SKU', [{ sku: 'not a sku', quantity: 1 }]],
    ['more than 100 lines', Array.from({ length: 101 }, () => ({ sku: 'A-1', quantity: 1 }))],
  ])('rejects %s as invalid and reserves nothing', (_label, lines) => {
    expect(reason(() => ledger.reserve('r1', lines))).toBe('INVALID_ARGUMENT');
    expect(ledger.stockLevels([]).map((l) => l.reserved)).toEqual([0, 0]);
  });

  it('names an unknown SKU', () => {
    expect(reason(() => ledger.reserve('r1', [{ sku: 'Z-9', quantity: 1 }]))).toBe('UNKNOWN_SKU');
    expect(reason(() => ledger.stockLevels(['Z-9']))).toBe('UNKNOWN_SKU');
  });
});
