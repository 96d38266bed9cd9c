// Original file: protos/commlab/inventory/v1/inventory.proto


export interface WatchStockRequest {
  'skus'?: (string)[];
}

export interface WatchStockRequest__Output {
  'skus': (string)[];
}
