// Original file: protos/commlab/inventory/v1/inventory.proto


export interface StockLevel {
  'sku'?: (string);
  'name'?: (string);
  'available'?: (number);
  'reserved'?: (number);
}

export interface StockLevel__Output {
  'sku': (string);
  'name': (string);
  'available': (number);
  'reserved': (number);
}
