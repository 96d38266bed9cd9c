// Original file: protos/commlab/inventory/v1/inventory.proto

import type { StockLevel as _commlab_inventory_v1_StockLevel, StockLevel__Output as _commlab_inventory_v1_StockLevel__Output } from '../../../commlab/inventory/v1/StockLevel.ts';

export interface AdjustStockSummary {
  'adjustments'?: (number);
  'items'?: (_commlab_inventory_v1_StockLevel)[];
}

export interface AdjustStockSummary__Output {
  'adjustments': (number);
  'items': (_commlab_inventory_v1_StockLevel__Output)[];
}
