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

export type AdjustmentReason = 'RECEIVED' | 'DAMAGED' | 'COUNTED';

export interface StockAdjustment {
  sku: string;
  /** Units added (positive) or removed (negative). */
  delta: number;
  reason: AdjustmentReason;
}

/** A live view of some SKUs: their levels now, and a way to stop hearing about changes. */
export interface StockWatch {
  current: StockLevel[];
  stop(): void;
}

export const limits = {
  maxLines: 100,
  maxQuantity: 10_000,
  /** SKUs one stock query or watch may name. */
  maxSkus: 100,
  /** Adjustments in one upload; a stream edge stops reading at the first one over. */
  maxAdjustments: 1_000,
  sku: /^[A-Z0-9][A-Z0-9-]{0,31}$/,
  reservationId: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
} as const;

/** What the transport edges (gRPC, Thrift, REST) need from inventory; the ledger below is the real one. */
export interface Inventory {
  stockLevels(skus: readonly string[]): StockLevel[] | Promise<StockLevel[]>;
  /** `signal` aborts a reservation that has not been made yet (its caller gave up). */
  reserve(
    reservationId: string,
    lines: readonly ReservationLine[],
    signal?: AbortSignal,
  ): StockLevel[] | Promise<StockLevel[]>;
  release(reservationId: string): boolean | Promise<boolean>;
  /** Applies every adjustment or none. */
  adjust(adjustments: readonly StockAdjustment[]): StockLevel[] | Promise<StockLevel[]>;
  /** Calls `onChange` with the new level after every change to one of `skus`, until stopped. */
  watch(skus: readonly string[], onChange: (level: StockLevel) => void): StockWatch;
}

const adjustmentReasons: readonly string[] = ['RECEIVED', 'DAMAGED', 'COUNTED'] satisfies AdjustmentReason[];

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
  readonly #watchers = new Map<string, Set<(level: StockLevel) => void>>();

  constructor(catalogue: readonly StockItem[]) {
    for (const item of catalogue) this.#items.set(item.sku, { name: item.name, available: item.onHand, reserved: 0 });
  }

  stockLevels(skus: readonly string[]): StockLevel[] {
    if (skus.length > 0) checkSkuList(skus);
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
    this.#notify(merged.map((line) => line.sku));
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
    this.#notify(existing.lines.map((line) => line.sku));
    return true;
  }

  adjust(adjustments: readonly StockAdjustment[]): StockLevel[] {
    const totals = sumAdjustments(adjustments);
    for (const [sku, delta] of totals) {
      const level = this.#level(sku);
      if (level.available + delta < 0) {
        throw new StockError('INSUFFICIENT_STOCK', `cannot remove ${-delta} ${sku}: ${level.available} available`, sku);
      }
    }
    for (const [sku, delta] of totals) this.#items.get(sku)!.available += delta;
    this.#notify([...totals.keys()]);
    return [...totals.keys()].map((sku) => this.#level(sku));
  }

  watch(skus: readonly string[], onChange: (level: StockLevel) => void): StockWatch {
    checkSkuList(skus);
    const current = skus.map((sku) => this.#level(sku));
    const unique = [...new Set(skus)];
    for (const sku of unique) {
      const set = this.#watchers.get(sku) ?? new Set();
      set.add(onChange);
      this.#watchers.set(sku, set);
    }
    return {
      current,
      stop: () => {
        for (const sku of unique) this.#watchers.get(sku)?.delete(onChange);
      },
    };
  }

  /** Tells each watcher of these SKUs their new level. A watcher that throws cannot stop the others. */
  #notify(skus: readonly string[]): void {
    for (const sku of skus) {
      const watchers = this.#watchers.get(sku);
      if (!watchers || watchers.size === 0) continue;
      const level = this.#level(sku);
      for (const onChange of [...watchers]) {
        try {
          onChange(level);
        } catch {
          watchers.delete(onChange);
        }
      }
    }
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
  // typeof first: an edge with loose typing (Thrift's optional fields, JSON) may hand over null.
  if (typeof id !== 'string' || !limits.reservationId.test(id)) {
    throw new StockError('INVALID_ARGUMENT', 'reservation_id must be 1-64 letters, digits or ._:-', 'reservation_id');
  }
}

/** Validates lines and adds up repeated SKUs, so "2 x A" and "1 x A, 1 x A" reserve the same. */
function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  if (!Array.isArray(lines)) throw new StockError('INVALID_ARGUMENT', 'lines must be a list', 'lines');
  if (lines.length === 0) throw new StockError('INVALID_ARGUMENT', 'lines must not be empty', 'lines');
  if (lines.length > limits.maxLines) {
    throw new StockError('INVALID_ARGUMENT', `at most ${limits.maxLines} lines per reservation`, 'lines');
  }
  const totals = new Map<string, number>();
  lines.forEach((line, i) => {
    if (!isSku(line?.sku)) {
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
  for (const [sku, quantity] of totals) {
    if (quantity > limits.maxQuantity) {
      throw new StockError(
        'INVALID_ARGUMENT',
        `lines for ${sku} add up to ${quantity}; at most ${limits.maxQuantity} of one SKU per reservation`,
        'lines',
      );
    }
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}

function isSku(value: unknown): value is string {
  return typeof value === 'string' && limits.sku.test(value);
}

function checkSkuList(skus: readonly string[]): void {
  if (!Array.isArray(skus) || skus.length === 0)
    throw new StockError('INVALID_ARGUMENT', 'name at least one SKU', 'skus');
  if (skus.length > limits.maxSkus) {
    throw new StockError('INVALID_ARGUMENT', `at most ${limits.maxSkus} SKUs per request`, 'skus');
  }
  skus.forEach((sku, i) => {
    if (!isSku(sku)) throw new StockError('INVALID_ARGUMENT', `skus[${i}] is not a valid SKU`, `skus[${i}]`);
  });
}

/** Validates an upload and adds up the deltas per SKU, in SKU order. */
function sumAdjustments(adjustments: readonly StockAdjustment[]): Map<string, number> {
  if (!Array.isArray(adjustments) || adjustments.length === 0) {
    throw new StockError('INVALID_ARGUMENT', 'an upload needs at least one adjustment', 'adjustments');
  }
  if (adjustments.length > limits.maxAdjustments) {
    throw new StockError('INVALID_ARGUMENT', `at most ${limits.maxAdjustments} adjustments per upload`, 'adjustments');
  }
  const totals = new Map<string, number>();
  adjustments.forEach((adjustment, i) => {
    const at = `adjustments[${i}]`;
    if (!isSku(adjustment?.sku)) throw new StockError('INVALID_ARGUMENT', `${at}.sku is not a valid SKU`, `${at}.sku`);
    const { delta, reason } = adjustment;
    if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > limits.maxQuantity) {
      throw new StockError(
        'INVALID_ARGUMENT',
        `${at}.delta must be a whole number from -${limits.maxQuantity} to ${limits.maxQuantity}, not 0`,
        `${at}.delta`,
      );
    }
    if (!adjustmentReasons.includes(reason)) {
      throw new StockError(
        'INVALID_ARGUMENT',
        `${at}.reason must be one of ${adjustmentReasons.join(', ')}`,
        `${at}.reason`,
      );
    }
    if ((reason === 'RECEIVED' && delta < 0) || (reason === 'DAMAGED' && delta > 0)) {
      throw new StockError(
        'INVALID_ARGUMENT',
        `${at}.delta must be ${reason === 'RECEIVED' ? 'positive for goods received' : 'negative for damaged goods'}`,
        `${at}.delta`,
      );
    }
    totals.set(adjustment.sku, (totals.get(adjustment.sku) ?? 0) + delta);
  });
  return new Map([...totals].sort(([a], [b]) => a.localeCompare(b)));
}
