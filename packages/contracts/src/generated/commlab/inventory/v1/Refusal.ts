// Original file: protos/commlab/inventory/v1/inventory.proto


export interface Refusal {
  'code'?: (number);
  'reason'?: (string);
  'subject'?: (string);
  'message'?: (string);
}

export interface Refusal__Output {
  'code': (number);
  'reason': (string);
  'subject': (string);
  'message': (string);
}
