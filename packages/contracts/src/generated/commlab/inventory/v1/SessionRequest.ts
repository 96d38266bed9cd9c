// Original file: protos/commlab/inventory/v1/inventory.proto

import type { ReserveRequest as _commlab_inventory_v1_ReserveRequest, ReserveRequest__Output as _commlab_inventory_v1_ReserveRequest__Output } from '../../../commlab/inventory/v1/ReserveRequest.ts';
import type { ReleaseRequest as _commlab_inventory_v1_ReleaseRequest, ReleaseRequest__Output as _commlab_inventory_v1_ReleaseRequest__Output } from '../../../commlab/inventory/v1/ReleaseRequest.ts';

export interface SessionRequest {
  'correlationId'?: (string);
  'reserve'?: (_commlab_inventory_v1_ReserveRequest | null);
  'release'?: (_commlab_inventory_v1_ReleaseRequest | null);
  'action'?: "reserve"|"release";
}

export interface SessionRequest__Output {
  'correlationId': (string);
  'reserve'?: (_commlab_inventory_v1_ReserveRequest__Output | null);
  'release'?: (_commlab_inventory_v1_ReleaseRequest__Output | null);
  'action'?: "reserve"|"release";
}
