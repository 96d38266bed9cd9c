// Original file: protos/commlab/inventory/v1/inventory.proto

export const AdjustmentReason = {
  ADJUSTMENT_REASON_UNSPECIFIED: 'ADJUSTMENT_REASON_UNSPECIFIED',
  ADJUSTMENT_REASON_RECEIVED: 'ADJUSTMENT_REASON_RECEIVED',
  ADJUSTMENT_REASON_DAMAGED: 'ADJUSTMENT_REASON_DAMAGED',
  ADJUSTMENT_REASON_COUNTED: 'ADJUSTMENT_REASON_COUNTED',
} as const;

export type AdjustmentReason =
  | 'ADJUSTMENT_REASON_UNSPECIFIED'
  | 0
  | 'ADJUSTMENT_REASON_RECEIVED'
  | 1
  | 'ADJUSTMENT_REASON_DAMAGED'
  | 2
  | 'ADJUSTMENT_REASON_COUNTED'
  | 3

export type AdjustmentReason__Output = typeof AdjustmentReason[keyof typeof AdjustmentReason]
