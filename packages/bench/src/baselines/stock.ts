/** A stock table like inventory's seeded catalogue, for the bare baselines to answer from. */
export const stock = new Map(
  ['KB-001', 'MS-002', 'MN-003', 'HD-004', 'WC-005', 'DK-006', 'CB-007', 'LS-008'].map((sku, i) => [
    sku,
    { sku, name: `Item ${sku}`, available: 10 + i, reserved: 0 },
  ]),
);
