// Original file: protos/commlab/inventory/v1/inventory.proto


export interface GetStockRequest {
  'skus'?: (string)[];
}

export interface GetStockRequest__Output {
  'skus': (string)[];
}
