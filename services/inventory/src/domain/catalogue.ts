import catalogue from './catalogue.json' with { type: 'json' };
import type { StockItem } from './ledger.ts';

/**
 * The catalogue every lab starts from: it seeds an empty store, and `lab reset` (which empties
 * the store) brings it back. Data, not code: catalogue.json.
 */
export const seedCatalogue: readonly StockItem[] = catalogue;
