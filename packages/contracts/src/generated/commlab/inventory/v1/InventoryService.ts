// Original file: protos/commlab/inventory/v1/inventory.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AdjustStockSummary as _commlab_inventory_v1_AdjustStockSummary, AdjustStockSummary__Output as _commlab_inventory_v1_AdjustStockSummary__Output } from '../../../commlab/inventory/v1/AdjustStockSummary.ts';
import type { GetStockRequest as _commlab_inventory_v1_GetStockRequest, GetStockRequest__Output as _commlab_inventory_v1_GetStockRequest__Output } from '../../../commlab/inventory/v1/GetStockRequest.ts';
import type { GetStockResponse as _commlab_inventory_v1_GetStockResponse, GetStockResponse__Output as _commlab_inventory_v1_GetStockResponse__Output } from '../../../commlab/inventory/v1/GetStockResponse.ts';
import type { ReleaseRequest as _commlab_inventory_v1_ReleaseRequest, ReleaseRequest__Output as _commlab_inventory_v1_ReleaseRequest__Output } from '../../../commlab/inventory/v1/ReleaseRequest.ts';
import type { ReleaseResponse as _commlab_inventory_v1_ReleaseResponse, ReleaseResponse__Output as _commlab_inventory_v1_ReleaseResponse__Output } from '../../../commlab/inventory/v1/ReleaseResponse.ts';
import type { ReserveRequest as _commlab_inventory_v1_ReserveRequest, ReserveRequest__Output as _commlab_inventory_v1_ReserveRequest__Output } from '../../../commlab/inventory/v1/ReserveRequest.ts';
import type { ReserveResponse as _commlab_inventory_v1_ReserveResponse, ReserveResponse__Output as _commlab_inventory_v1_ReserveResponse__Output } from '../../../commlab/inventory/v1/ReserveResponse.ts';
import type { SessionReply as _commlab_inventory_v1_SessionReply, SessionReply__Output as _commlab_inventory_v1_SessionReply__Output } from '../../../commlab/inventory/v1/SessionReply.ts';
import type { SessionRequest as _commlab_inventory_v1_SessionRequest, SessionRequest__Output as _commlab_inventory_v1_SessionRequest__Output } from '../../../commlab/inventory/v1/SessionRequest.ts';
import type { StockAdjustment as _commlab_inventory_v1_StockAdjustment, StockAdjustment__Output as _commlab_inventory_v1_StockAdjustment__Output } from '../../../commlab/inventory/v1/StockAdjustment.ts';
import type { StockLevel as _commlab_inventory_v1_StockLevel, StockLevel__Output as _commlab_inventory_v1_StockLevel__Output } from '../../../commlab/inventory/v1/StockLevel.ts';
import type { WatchStockRequest as _commlab_inventory_v1_WatchStockRequest, WatchStockRequest__Output as _commlab_inventory_v1_WatchStockRequest__Output } from '../../../commlab/inventory/v1/WatchStockRequest.ts';

export interface InventoryServiceClient extends grpc.Client {
  AdjustStock(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  AdjustStock(metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  AdjustStock(options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  AdjustStock(callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  adjustStock(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  adjustStock(metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  adjustStock(options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  adjustStock(callback: grpc.requestCallback<_commlab_inventory_v1_AdjustStockSummary__Output>): grpc.ClientWritableStream<_commlab_inventory_v1_StockAdjustment>;
  
  GetStock(argument: _commlab_inventory_v1_GetStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  GetStock(argument: _commlab_inventory_v1_GetStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  GetStock(argument: _commlab_inventory_v1_GetStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  GetStock(argument: _commlab_inventory_v1_GetStockRequest, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  getStock(argument: _commlab_inventory_v1_GetStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  getStock(argument: _commlab_inventory_v1_GetStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  getStock(argument: _commlab_inventory_v1_GetStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  getStock(argument: _commlab_inventory_v1_GetStockRequest, callback: grpc.requestCallback<_commlab_inventory_v1_GetStockResponse__Output>): grpc.ClientUnaryCall;
  
  Release(argument: _commlab_inventory_v1_ReleaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  Release(argument: _commlab_inventory_v1_ReleaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  Release(argument: _commlab_inventory_v1_ReleaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  Release(argument: _commlab_inventory_v1_ReleaseRequest, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  release(argument: _commlab_inventory_v1_ReleaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  release(argument: _commlab_inventory_v1_ReleaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  release(argument: _commlab_inventory_v1_ReleaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  release(argument: _commlab_inventory_v1_ReleaseRequest, callback: grpc.requestCallback<_commlab_inventory_v1_ReleaseResponse__Output>): grpc.ClientUnaryCall;
  
  Reserve(argument: _commlab_inventory_v1_ReserveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  Reserve(argument: _commlab_inventory_v1_ReserveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  Reserve(argument: _commlab_inventory_v1_ReserveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  Reserve(argument: _commlab_inventory_v1_ReserveRequest, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  reserve(argument: _commlab_inventory_v1_ReserveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  reserve(argument: _commlab_inventory_v1_ReserveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  reserve(argument: _commlab_inventory_v1_ReserveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  reserve(argument: _commlab_inventory_v1_ReserveRequest, callback: grpc.requestCallback<_commlab_inventory_v1_ReserveResponse__Output>): grpc.ClientUnaryCall;
  
  ReserveSession(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionReply__Output>;
  ReserveSession(options?: grpc.CallOptions): grpc.ClientDuplexStream<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionReply__Output>;
  reserveSession(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionReply__Output>;
  reserveSession(options?: grpc.CallOptions): grpc.ClientDuplexStream<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionReply__Output>;
  
  WatchStock(argument: _commlab_inventory_v1_WatchStockRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_commlab_inventory_v1_StockLevel__Output>;
  WatchStock(argument: _commlab_inventory_v1_WatchStockRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_commlab_inventory_v1_StockLevel__Output>;
  watchStock(argument: _commlab_inventory_v1_WatchStockRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_commlab_inventory_v1_StockLevel__Output>;
  watchStock(argument: _commlab_inventory_v1_WatchStockRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_commlab_inventory_v1_StockLevel__Output>;
  
}

export interface InventoryServiceHandlers extends grpc.UntypedServiceImplementation {
  AdjustStock: grpc.handleClientStreamingCall<_commlab_inventory_v1_StockAdjustment__Output, _commlab_inventory_v1_AdjustStockSummary>;
  
  GetStock: grpc.handleUnaryCall<_commlab_inventory_v1_GetStockRequest__Output, _commlab_inventory_v1_GetStockResponse>;
  
  Release: grpc.handleUnaryCall<_commlab_inventory_v1_ReleaseRequest__Output, _commlab_inventory_v1_ReleaseResponse>;
  
  Reserve: grpc.handleUnaryCall<_commlab_inventory_v1_ReserveRequest__Output, _commlab_inventory_v1_ReserveResponse>;
  
  ReserveSession: grpc.handleBidiStreamingCall<_commlab_inventory_v1_SessionRequest__Output, _commlab_inventory_v1_SessionReply>;
  
  WatchStock: grpc.handleServerStreamingCall<_commlab_inventory_v1_WatchStockRequest__Output, _commlab_inventory_v1_StockLevel>;
  
}

export interface InventoryServiceDefinition extends grpc.ServiceDefinition {
  AdjustStock: MethodDefinition<_commlab_inventory_v1_StockAdjustment, _commlab_inventory_v1_AdjustStockSummary, _commlab_inventory_v1_StockAdjustment__Output, _commlab_inventory_v1_AdjustStockSummary__Output>
  GetStock: MethodDefinition<_commlab_inventory_v1_GetStockRequest, _commlab_inventory_v1_GetStockResponse, _commlab_inventory_v1_GetStockRequest__Output, _commlab_inventory_v1_GetStockResponse__Output>
  Release: MethodDefinition<_commlab_inventory_v1_ReleaseRequest, _commlab_inventory_v1_ReleaseResponse, _commlab_inventory_v1_ReleaseRequest__Output, _commlab_inventory_v1_ReleaseResponse__Output>
  Reserve: MethodDefinition<_commlab_inventory_v1_ReserveRequest, _commlab_inventory_v1_ReserveResponse, _commlab_inventory_v1_ReserveRequest__Output, _commlab_inventory_v1_ReserveResponse__Output>
  ReserveSession: MethodDefinition<_commlab_inventory_v1_SessionRequest, _commlab_inventory_v1_SessionReply, _commlab_inventory_v1_SessionRequest__Output, _commlab_inventory_v1_SessionReply__Output>
  WatchStock: MethodDefinition<_commlab_inventory_v1_WatchStockRequest, _commlab_inventory_v1_StockLevel, _commlab_inventory_v1_WatchStockRequest__Output, _commlab_inventory_v1_StockLevel__Output>
}
