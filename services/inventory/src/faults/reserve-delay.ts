import { setTimeout as sleep } from 'node:timers/promises';
import type { Inventory } from '../domain/ledger.ts';

/**
 * Makes every reservation wait `delayMs` before it is made: the dial lab 04 turns to watch
 * deadlines and cancellation at work. The wait ends early, and nothing is reserved, once the
 * caller has given up (its `signal` aborts). Only the transport edges go through it: a stock
 * request by event is reserved inside the event's transaction, which must not wait.
 */
export function withReserveDelay(inventory: Inventory, delayMs: number): Inventory {
  if (delayMs <= 0) return inventory;
  return {
    stockLevels: (skus) => inventory.stockLevels(skus),
    reserve: async (reservationId, lines, signal) => {
      await sleep(delayMs, undefined, signal && { signal });
      return inventory.reserve(reservationId, lines, signal);
    },
    release: (reservationId) => inventory.release(reservationId),
    adjust: (adjustments) => inventory.adjust(adjustments),
    watch: (skus, onChange) => inventory.watch(skus, onChange),
  };
}
