// Original file: protos/commlab/inventory/v1/inventory.proto


export interface ReleaseResponse {
  'reservationId'?: (string);
  'released'?: (boolean);
}

export interface ReleaseResponse__Output {
  'reservationId': (string);
  'released': (boolean);
}
