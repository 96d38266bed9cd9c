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

/** A live view of some SKUs; stop() ends it. */
export interface StockWatch {
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
  stockLevels(skus: readonly string[]): Promise<StockLevel[]>;
  /** `signal` aborts a reservation that has not been made yet (its caller gave up). */
  reserve(reservationId: string, lines: readonly ReservationLine[], signal?: AbortSignal): Promise<StockLevel[]>;
  release(reservationId: string): Promise<boolean>;
  /** Applies every adjustment or none. */
  adjust(adjustments: readonly StockAdjustment[]): Promise<StockLevel[]>;
  /** Calls `onLevel` with each SKU's level now, then with the new level after every change, until stopped. */
  watch(skus: readonly string[], onLevel: (level: StockLevel) => void): Promise<StockWatch>;
}

const adjustmentReasons: readonly string[] = ['RECEIVED', 'DAMAGED', 'COUNTED'] satisfies AdjustmentReason[];

export interface Reservation {
  lines: ReservationLine[];
  /** Canonical form of the lines, to tell a retry from a different request under the same id. */
  fingerprint: string;
  released: boolean;
}

/** What the ledger reads from its store. */
export interface StockReader {
  /** Levels of these SKUs (every SKU when none are named), in catalogue order; unknown SKUs are left out. */
  levels(skus: readonly string[]): Promise<StockLevel[]>;
  reservation(id: string): Promise<Reservation | undefined>;
}

/** One transaction of the store: what it reads is held for it until it ends. */
export interface StockRecords extends StockReader {
  saveLevels(levels: readonly StockLevel[]): Promise<void>;
  saveReservation(id: string, reservation: Reservation): Promise<void>;
  /** Runs `callback` once the transaction committed. */
  afterCommit(callback: () => void): void;
}

/** Where stock and reservations are kept (store/sql-stock.ts: SQLite or PostgreSQL). */
export interface StockStore<Tx> {
  read(): StockReader;
  /** Runs `work` in a transaction of its own: all of it is kept, or none. */
  transaction<T>(work: (records: StockRecords) => Promise<T>): Promise<T>;
  /** The records of a transaction another part opened (the event consumer, recording the event in it too). */
  within(tx: Tx): StockRecords;
}

/**
 * Stock levels and reservations: the rules (all lines or none, never below zero, one answer per
 * reservation id) over a store that keeps them across restarts. Each change is one transaction
 * of the store, and watchers hear of it once it committed.
 */
export class StockLedger<Tx = unknown> implements Inventory {
  readonly #store: StockStore<Tx>;
  readonly #watchers = new Map<string, Set<(level: StockLevel) => void>>();

  constructor(store: StockStore<Tx>) {
    this.#store = store;
  }

  async stockLevels(skus: readonly string[]): Promise<StockLevel[]> {
    if (skus.length > 0) checkSkuList(skus);
    return levelsOf(this.#store.read(), skus);
  }

  reserve(reservationId: string, lines: readonly ReservationLine[], signal?: AbortSignal): Promise<StockLevel[]> {
    return this.#store.transaction(async (records) => {
      signal?.throwIfAborted(); // its caller gave up while it waited for the store
      return this.#reserve(records, reservationId, lines);
    });
  }

  release(reservationId: string): Promise<boolean> {
    return this.#store.transaction((records) => this.#release(records, reservationId));
  }

  adjust(adjustments: readonly StockAdjustment[]): Promise<StockLevel[]> {
    const totals = sumAdjustments(adjustments);
    return this.#store.transaction(async (records) => {
      const held = bySku(await records.levels([...totals.keys()]));
      const levels = [...totals.keys()].map((sku) => levelIn(held, sku));
      for (const level of levels) {
        const delta = totals.get(level.sku)!;
        if (level.available + delta < 0) {
          throw new StockError(
            'INSUFFICIENT_STOCK',
            `cannot remove ${-delta} ${level.sku}: ${level.available} available`,
            level.sku,
          );
        }
      }
      const adjusted = levels.map((level) => ({ ...level, available: level.available + totals.get(level.sku)! }));
      await this.#save(records, adjusted);
      return adjusted;
    });
  }

  /** Reserve and release inside a transaction another part opened, e.g. with the id of the event that asked. */
  within(tx: Tx): Pick<Inventory, 'reserve' | 'release'> {
    const records = this.#store.within(tx);
    return {
      reserve: (reservationId, lines) => this.#reserve(records, reservationId, lines),
      release: (reservationId) => this.#release(records, reservationId),
    };
  }

  async watch(skus: readonly string[], onLevel: (level: StockLevel) => void): Promise<StockWatch> {
    checkSkuList(skus);
    // Listen first, then read: a change committed meanwhile waits and follows the current levels.
    let early: StockLevel[] | undefined = [];
    const listener = (level: StockLevel) => (early ? early.push(level) : onLevel(level));
    const unique = [...new Set(skus)];
    for (const sku of unique) {
      const set = this.#watchers.get(sku) ?? new Set();
      set.add(listener);
      this.#watchers.set(sku, set);
    }
    const stop = () => {
      for (const sku of unique) this.#watchers.get(sku)?.delete(listener);
    };
    try {
      for (const level of await levelsOf(this.#store.read(), skus)) onLevel(level);
    } catch (err) {
      stop();
      throw err;
    }
    const waiting = early;
    early = undefined;
    for (const level of waiting) onLevel(level);
    return { stop };
  }

  async #reserve(records: StockRecords, reservationId: string, lines: readonly ReservationLine[]) {
    checkReservationId(reservationId);
    const merged = mergeLines(lines);
    const fingerprint = JSON.stringify(merged);
    // Levels first: they are held for this transaction, so a concurrent Reserve of the same
    // id waits here and then finds this one's reservation.
    const held = bySku(await records.levels(merged.map((line) => line.sku)));
    const existing = await records.reservation(reservationId);
    if (existing?.released) {
      throw new StockError('RESERVATION_RELEASED', `reservation ${reservationId} was already released`, reservationId);
    }
    if (existing && existing.fingerprint !== fingerprint) {
      throw new StockError(
        'RESERVATION_CONFLICT',
        `reservation ${reservationId} already exists with different lines`,
        reservationId,
      );
    }
    if (existing) return merged.map((line) => levelIn(held, line.sku)); // a retry: same answer, nothing booked twice
    const levels: StockLevel[] = [];
    for (const line of merged) {
      const level = levelIn(held, line.sku);
      levels.push(level);
      if (level.available < line.quantity) {
        throw new StockError(
          'INSUFFICIENT_STOCK',
          `not enough ${line.sku}: ${line.quantity} requested, ${level.available} available`,
          line.sku,
        );
      }
    }
    const booked = levels.map((level, i) => moved(level, merged[i]!.quantity));
    await this.#save(records, booked);
    await records.saveReservation(reservationId, { lines: merged, fingerprint, released: false });
    return booked;
  }

  async #release(records: StockRecords, reservationId: string): Promise<boolean> {
    checkReservationId(reservationId);
    const existing = await records.reservation(reservationId);
    if (!existing) {
      // Remember the id: a Reserve that arrives after its caller gave up must not book stock.
      await records.saveReservation(reservationId, { lines: [], fingerprint: '', released: true });
      return false;
    }
    if (existing.released) return false;
    const held = bySku(await records.levels(existing.lines.map((line) => line.sku)));
    await this.#save(
      records,
      existing.lines.map((line) => moved(levelIn(held, line.sku), -line.quantity)),
    );
    await records.saveReservation(reservationId, { ...existing, released: true });
    return true;
  }

  /** Saves new levels; watchers hear of them once the transaction committed. */
  async #save(records: StockRecords, levels: readonly StockLevel[]): Promise<void> {
    await records.saveLevels(levels);
    records.afterCommit(() => this.#notify(levels));
  }

  /** Tells each watcher of these SKUs their new level. A watcher that throws cannot stop the others. */
  #notify(levels: readonly StockLevel[]): void {
    for (const level of levels) {
      const watchers = this.#watchers.get(level.sku);
      for (const onChange of [...(watchers ?? [])]) {
        try {
          onChange(level);
        } catch {
          watchers!.delete(onChange);
        }
      }
    }
  }
}

/** The levels of `skus`, in the order asked (every SKU when none are named); an unknown SKU is an error. */
async function levelsOf(reader: StockReader, skus: readonly string[]): Promise<StockLevel[]> {
  const found = await reader.levels(skus);
  if (skus.length === 0) return found;
  const held = bySku(found);
  return skus.map((sku) => levelIn(held, sku));
}

const bySku = (levels: readonly StockLevel[]) => new Map(levels.map((level) => [level.sku, level]));

function levelIn(levels: ReadonlyMap<string, StockLevel>, sku: string): StockLevel {
  const level = levels.get(sku);
  if (!level) throw new StockError('UNKNOWN_SKU', `unknown SKU ${sku}`, sku);
  return level;
}

/** `quantity` units moved from available to reserved (negative: back). */
function moved(level: StockLevel, quantity: number): StockLevel {
  return { ...level, available: level.available - quantity, reserved: level.reserved + quantity };
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
