import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdjustStockSummary as _commlab_inventory_v1_AdjustStockSummary, AdjustStockSummary__Output as _commlab_inventory_v1_AdjustStockSummary__Output } from './commlab/inventory/v1/AdjustStockSummary.ts';
import type { GetStockRequest as _commlab_inventory_v1_GetStockRequest, GetStockRequest__Output as _commlab_inventory_v1_GetStockRequest__Output } from './commlab/inventory/v1/GetStockRequest.ts';
import type { GetStockResponse as _commlab_inventory_v1_GetStockResponse, GetStockResponse__Output as _commlab_inventory_v1_GetStockResponse__Output } from './commlab/inventory/v1/GetStockResponse.ts';
import type { InventoryServiceClient as _commlab_inventory_v1_InventoryServiceClient, InventoryServiceDefinition as _commlab_inventory_v1_InventoryServiceDefinition } from './commlab/inventory/v1/InventoryService.ts';
import type { Refusal as _commlab_inventory_v1_Refusal, Refusal__Output as _commlab_inventory_v1_Refusal__Output } from './commlab/inventory/v1/Refusal.ts';
import type { ReleaseRequest as _commlab_inventory_v1_ReleaseRequest, ReleaseRequest__Output as _commlab_inventory_v1_ReleaseRequest__Output } from './commlab/inventory/v1/ReleaseRequest.ts';
import type { ReleaseResponse as _commlab_inventory_v1_ReleaseResponse, ReleaseResponse__Output as _commlab_inventory_v1_ReleaseResponse__Output } from './commlab/inventory/v1/ReleaseResponse.ts';
import type { ReservationLine as _commlab_inventory_v1_ReservationLine, ReservationLine__Output as _commlab_inventory_v1_ReservationLine__Output } from './commlab/inventory/v1/ReservationLine.ts';
import type { ReserveRequest as _commlab_inventory_v1_ReserveRequest, ReserveRequest__Output as _commlab_inventory_v1_ReserveRequest__Output } from './commlab/inventory/v1/ReserveRequest.ts';
import type { ReserveResponse as _commlab_inventory_v1_ReserveResponse, ReserveResponse__Output as _commlab_inventory_v1_ReserveResponse__Output } from './commlab/inventory/v1/ReserveResponse.ts';
import type { SessionReply as _commlab_inventory_v1_SessionReply, SessionReply__Output as _commlab_inventory_v1_SessionReply__Output } from './commlab/inventory/v1/SessionReply.ts';
import type { SessionRequest as _commlab_inventory_v1_SessionRequest, SessionRequest__Output as _commlab_inventory_v1_SessionRequest__Output } from './commlab/inventory/v1/SessionRequest.ts';
import type { StockAdjustment as _commlab_inventory_v1_StockAdjustment, StockAdjustment__Output as _commlab_inventory_v1_StockAdjustment__Output } from './commlab/inventory/v1/StockAdjustment.ts';
import type { StockLevel as _commlab_inventory_v1_StockLevel, StockLevel__Output as _commlab_inventory_v1_StockLevel__Output } from './commlab/inventory/v1/StockLevel.ts';
import type { WatchStockRequest as _commlab_inventory_v1_WatchStockRequest, WatchStockRequest__Output as _commlab_inventory_v1_WatchStockRequest__Output } from './commlab/inventory/v1/WatchStockRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  commlab: {
    inventory: {
      v1: {
        AdjustStockSummary: MessageTypeDefinition<_commlab_inventory_v1_AdjustStockSummary, _commlab_inventory_v1_AdjustStockSummary__Output>
        AdjustmentReason: EnumTypeDefinition
        GetStockRequest: MessageTypeDefinition<_commlab_inventory_v1_GetStockRequest, _commlab_inventory_v1_GetStockRequest__Output>
        GetStockResponse: MessageTypeDefinition<_commlab_inventory_v1_GetStockResponse, _commlab_inventory_v1_GetStockResponse__Output>
        InventoryService: SubtypeConstructor<typeof grpc.Client, _commlab_inventory_v1_InventoryServiceClient> & { service: _commlab_inventory_v1_InventoryServiceDefinition }
        Refusal: MessageTypeDefinition<_commlab_inventory_v1_Refusal, _commlab_inventory_v1_Refusal__Output>
        ReleaseRequest: MessageTypeDefinition<_commlab_inventory_v1_ReleaseRequest, _commlab_inventory_v1_ReleaseRequest__Output>
        ReleaseResponse: MessageTypeDefinition<_commlab_inventory_v1_ReleaseResponse, _commlab_inventory_v1_ReleaseResponse__Output>
        ReservationLine: MessageTypeDefinition<_commlab_inventory_v1_ReservationLine, _commlab_inventory_v1_ReservationLine__Output>
        ReserveRequest: MessageTypeDefinition<_commlab_inventory_v1_ReserveRequest, _commlab_inventory_v1_ReserveRequest__Output>
        ReserveResponse: MessageTypeDefinition<_commlab_inventory_v1_ReserveResponse, _commlab_inventory_v1_ReserveResponse__Output>
        SessionReply: MessageTypeDefinition<_commlab_inventory_v1_SessionReply, _commlab_inventory_v1_SessionReply__Output>
        SessionRequest: MessageTypeDefinition<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionRequest__Output>
        StockAdjustment: MessageTypeDefinition<_commlab_inventory_v1_StockAdjustment, _commlab_inventory_v1_StockAdjustment__Output>
        StockLevel: MessageTypeDefinition<_commlab_inventory_v1_StockLevel, _commlab_inventory_v1_StockLevel__Output>
        WatchStockRequest: MessageTypeDefinition<_commlab_inventory_v1_WatchStockRequest, _commlab_inventory_v1_WatchStockRequest__Output>
      }
    }
  }
}

