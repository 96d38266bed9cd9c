// Original file: protos/commlab/inventory/v1/inventory.proto


export interface ReleaseRequest {
  'reservationId'?: (string);
}

export interface ReleaseRequest__Output {
  'reservationId': (string);
}
