import { StockError } from './errors.ts';

export interface StockItem {
  sku: string;
  name: string;
  onHand: number;
}

export interface StockLevel {
  sku: string;
  name: string;
  available: number;
  reserved: number;
}

export interface ReservationLine {
  sku: string;
  quantity: number;
}

export const limits = {
  maxLines: 100,
  maxQuantity: 10_000,
  sku: /^[A-Z0-9][A-Z0-9-]{0,31}$/,
  reservationId: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
} as const;

/** What the gRPC edge needs from inventory; the ledger below is the real one. */
export interface Inventory {
  stockLevels(skus: readonly string[]): StockLevel[] | Promise<StockLevel[]>;
  reserve(reservationId: string, lines: readonly ReservationLine[]): StockLevel[] | Promise<StockLevel[]>;
  release(reservationId: string): boolean | Promise<boolean>;
}

interface Reservation {
  lines: ReservationLine[];
  /** Canonical form of the lines, to tell a retry from a different request under the same id. */
  fingerprint: string;
  released: boolean;
}

/**
 * Stock levels and reservations, held in memory. Every operation runs to completion
 * before the next starts (one event loop), so all-or-nothing needs no locks.
 */
export class StockLedger implements Inventory {
  readonly #items = new Map<string, { name: string; available: number; reserved: number }>();
  readonly #reservations = new Map<string, Reservation>();

  constructor(catalogue: readonly StockItem[]) {
    for (const item of catalogue) this.#items.set(item.sku, { name: item.name, available: item.onHand, reserved: 0 });
  }

  stockLevels(skus: readonly string[]): StockLevel[] {
    const wanted = skus.length > 0 ? skus : [...this.#items.keys()];
    return wanted.map((sku) => this.#level(sku));
  }

  reserve(reservationId: string, lines: readonly ReservationLine[]): StockLevel[] {
    checkReservationId(reservationId);
    const merged = mergeLines(lines);
    const fingerprint = JSON.stringify(merged);
    const existing = this.#reservations.get(reservationId);
    if (existing?.released) {
      throw new StockError('RESERVATION_RELEASED', `reservation ${reservationId} was already released`, reservationId);
    }
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new StockError(
          'RESERVATION_CONFLICT',
          `reservation ${reservationId} already exists with different lines`,
          reservationId,
        );
      }
      return merged.map((line) => this.#level(line.sku)); // a retry: same answer, nothing booked twice
    }
    for (const line of merged) {
      const level = this.#level(line.sku);
      if (level.available < line.quantity) {
        throw new StockError(
          'INSUFFICIENT_STOCK',
          `not enough ${line.sku}: ${line.quantity} requested, ${level.available} available`,
          line.sku,
        );
      }
    }
    for (const line of merged) this.#move(line.sku, line.quantity);
    this.#reservations.set(reservationId, { lines: merged, fingerprint, released: false });
    return merged.map((line) => this.#level(line.sku));
  }

  release(reservationId: string): boolean {
    checkReservationId(reservationId);
    const existing = this.#reservations.get(reservationId);
    if (!existing) {
      // Remember the id: a Reserve that arrives after its caller gave up must not book stock.
      this.#reservations.set(reservationId, { lines: [], fingerprint: '', released: true });
      return false;
    }
    if (existing.released) return false;
    for (const line of existing.lines) this.#move(line.sku, -line.quantity);
    existing.released = true;
    return true;
  }

  #level(sku: string): StockLevel {
    const item = this.#items.get(sku);
    if (!item) throw new StockError('UNKNOWN_SKU', `unknown SKU ${sku}`, sku);
    return { sku, name: item.name, available: item.available, reserved: item.reserved };
  }

  #move(sku: string, quantity: number): void {
    const item = this.#items.get(sku)!;
    item.available -= quantity;
    item.reserved += quantity;
  }
}

function checkReservationId(id: string): void {
  if (!limits.reservationId.test(id)) {
    throw new StockError('INVALID_ARGUMENT', 'reservation_id must be 1-64 letters, digits or ._:-', 'reservation_id');
  }
}

/** Validates lines and adds up repeated SKUs, so "2 x A" and "1 x A, 1 x A" reserve the same. */
function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  if (lines.length === 0) throw new StockError('INVALID_ARGUMENT', 'lines must not be empty', 'lines');
  if (lines.length > limits.maxLines) {
    throw new StockError('INVALID_ARGUMENT', `at most ${limits.maxLines} lines per reservation`, 'lines');
  }
  const totals = new Map<string, number>();
  lines.forEach((line, i) => {
    if (!limits.sku.test(line.sku)) {
      throw new StockError('INVALID_ARGUMENT', `lines[${i}].sku is not a valid SKU`, `lines[${i}].sku`);
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > limits.maxQuantity) {
      throw new StockError(
        'INVALID_ARGUMENT',
        `lines[${i}].quantity must be a whole number from 1 to ${limits.maxQuantity}`,
        `lines[${i}].quantity`,
      );
    }
    totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  });
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
