import type { StockReservations } from '../domain/ports.ts';

/** The order service's edge to inventory, whichever transport carries it. */
export interface InventoryEdge extends StockReservations {
  /** Resolves when inventory answers over this transport (for /readyz). */
  ready(): Promise<void>;
  close(): void | Promise<void>;
}
