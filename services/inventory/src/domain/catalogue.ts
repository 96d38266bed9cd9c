import type { StockItem } from './ledger.ts';

/** The seeded catalogue every lab starts from (and `lab reset` returns to). */
export const seedCatalogue: readonly StockItem[] = [
  { sku: 'KB-001', name: 'Mechanical keyboard', onHand: 25 },
  { sku: 'MS-002', name: 'Wireless mouse', onHand: 40 },
  { sku: 'MN-003', name: '27-inch monitor', onHand: 10 },
  { sku: 'HD-004', name: 'Noise-cancelling headphones', onHand: 15 },
  { sku: 'WC-005', name: '1080p webcam', onHand: 30 },
  { sku: 'DK-006', name: 'USB-C dock', onHand: 12 },
  { sku: 'CB-007', name: 'Braided USB-C cable', onHand: 100 },
  { sku: 'LS-008', name: 'Laptop stand', onHand: 20 },
  { sku: 'MP-009', name: 'Desk mat', onHand: 50 },
  { sku: 'SP-010', name: 'Bluetooth speaker', onHand: 8 },
  { sku: 'CH-011', name: 'Ergonomic chair', onHand: 5 },
  { sku: 'LT-012', name: 'Desk lamp', onHand: 0 },
];
