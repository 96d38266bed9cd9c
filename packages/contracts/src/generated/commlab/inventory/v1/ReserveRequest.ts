// Original file: protos/commlab/inventory/v1/inventory.proto

import type { ReservationLine as _commlab_inventory_v1_ReservationLine, ReservationLine__Output as _commlab_inventory_v1_ReservationLine__Output } from '../../../commlab/inventory/v1/ReservationLine.ts';

export interface ReserveRequest {
  'reservationId'?: (string);
  'lines'?: (_commlab_inventory_v1_ReservationLine)[];
}

export interface ReserveRequest__Output {
  'reservationId': (string);
  'lines': (_commlab_inventory_v1_ReservationLine__Output)[];
}
