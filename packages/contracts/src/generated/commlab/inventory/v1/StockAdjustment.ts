// Original file: protos/commlab/inventory/v1/inventory.proto

import type { AdjustmentReason as _commlab_inventory_v1_AdjustmentReason, AdjustmentReason__Output as _commlab_inventory_v1_AdjustmentReason__Output } from '../../../commlab/inventory/v1/AdjustmentReason.ts';

export interface StockAdjustment {
  'sku'?: (string);
  'delta'?: (number);
  'reason'?: (_commlab_inventory_v1_AdjustmentReason);
}

export interface StockAdjustment__Output {
  'sku': (string);
  'delta': (number);
  'reason': (_commlab_inventory_v1_AdjustmentReason__Output);
}
