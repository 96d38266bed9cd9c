// Original file: protos/commlab/inventory/v1/inventory.proto

import type { ReserveResponse as _commlab_inventory_v1_ReserveResponse, ReserveResponse__Output as _commlab_inventory_v1_ReserveResponse__Output } from '../../../commlab/inventory/v1/ReserveResponse.ts';
import type { ReleaseResponse as _commlab_inventory_v1_ReleaseResponse, ReleaseResponse__Output as _commlab_inventory_v1_ReleaseResponse__Output } from '../../../commlab/inventory/v1/ReleaseResponse.ts';
import type { Refusal as _commlab_inventory_v1_Refusal, Refusal__Output as _commlab_inventory_v1_Refusal__Output } from '../../../commlab/inventory/v1/Refusal.ts';

export interface SessionReply {
  'correlationId'?: (string);
  'reserved'?: (_commlab_inventory_v1_ReserveResponse | null);
  'released'?: (_commlab_inventory_v1_ReleaseResponse | null);
  'refusal'?: (_commlab_inventory_v1_Refusal | null);
  'outcome'?: "reserved"|"released"|"refusal";
}

export interface SessionReply__Output {
  'correlationId': (string);
  'reserved'?: (_commlab_inventory_v1_ReserveResponse__Output | null);
  'released'?: (_commlab_inventory_v1_ReleaseResponse__Output | null);
  'refusal'?: (_commlab_inventory_v1_Refusal__Output | null);
  'outcome'?: "reserved"|"released"|"refusal";
}
