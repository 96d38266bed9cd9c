import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetStockRequest as _commlab_inventory_v1_GetStockRequest, GetStockRequest__Output as _commlab_inventory_v1_GetStockRequest__Output } from './commlab/inventory/v1/GetStockRequest.ts';
import type { GetStockResponse as _commlab_inventory_v1_GetStockResponse, GetStockResponse__Output as _commlab_inventory_v1_GetStockResponse__Output } from './commlab/inventory/v1/GetStockResponse.ts';
import type { InventoryServiceClient as _commlab_inventory_v1_InventoryServiceClient, InventoryServiceDefinition as _commlab_inventory_v1_InventoryServiceDefinition } from './commlab/inventory/v1/InventoryService.ts';
import type { ReleaseRequest as _commlab_inventory_v1_ReleaseRequest, ReleaseRequest__Output as _commlab_inventory_v1_ReleaseRequest__Output } from './commlab/inventory/v1/ReleaseRequest.ts';
import type { ReleaseResponse as _commlab_inventory_v1_ReleaseResponse, ReleaseResponse__Output as _commlab_inventory_v1_ReleaseResponse__Output } from './commlab/inventory/v1/ReleaseResponse.ts';
import type { ReservationLine as _commlab_inventory_v1_ReservationLine, ReservationLine__Output as _commlab_inventory_v1_ReservationLine__Output } from './commlab/inventory/v1/ReservationLine.ts';
import type { ReserveRequest as _commlab_inventory_v1_ReserveRequest, ReserveRequest__Output as _commlab_inventory_v1_ReserveRequest__Output } from './commlab/inventory/v1/ReserveRequest.ts';
import type { ReserveResponse as _commlab_inventory_v1_ReserveResponse, ReserveResponse__Output as _commlab_inventory_v1_ReserveResponse__Output } from './commlab/inventory/v1/ReserveResponse.ts';
import type { StockLevel as _commlab_inventory_v1_StockLevel, StockLevel__Output as _commlab_inventory_v1_StockLevel__Output } from './commlab/inventory/v1/StockLevel.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  commlab: {
    inventory: {
      v1: {
        GetStockRequest: MessageTypeDefinition<_commlab_inventory_v1_GetStockRequest, _commlab_inventory_v1_GetStockRequest__Output>
        GetStockResponse: MessageTypeDefinition<_commlab_inventory_v1_GetStockResponse, _commlab_inventory_v1_GetStockResponse__Output>
        InventoryService: SubtypeConstructor<typeof grpc.Client, _commlab_inventory_v1_InventoryServiceClient> & { service: _commlab_inventory_v1_InventoryServiceDefinition }
        ReleaseRequest: MessageTypeDefinition<_commlab_inventory_v1_ReleaseRequest, _commlab_inventory_v1_ReleaseRequest__Output>
        ReleaseResponse: MessageTypeDefinition<_commlab_inventory_v1_ReleaseResponse, _commlab_inventory_v1_ReleaseResponse__Output>
        ReservationLine: MessageTypeDefinition<_commlab_inventory_v1_ReservationLine, _commlab_inventory_v1_ReservationLine__Output>
        ReserveRequest: MessageTypeDefinition<_commlab_inventory_v1_ReserveRequest, _commlab_inventory_v1_ReserveRequest__Output>
        ReserveResponse: MessageTypeDefinition<_commlab_inventory_v1_ReserveResponse, _commlab_inventory_v1_ReserveResponse__Output>
        StockLevel: MessageTypeDefinition<_commlab_inventory_v1_StockLevel, _commlab_inventory_v1_StockLevel__Output>
      }
    }
  }
}

