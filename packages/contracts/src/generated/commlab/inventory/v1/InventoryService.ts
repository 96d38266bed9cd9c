// Original file: protos/commlab/inventory/v1/inventory.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetStockRequest as _commlab_inventory_v1_GetStockRequest, GetStockRequest__Output as _commlab_inventory_v1_GetStockRequest__Output } from '../../../commlab/inventory/v1/GetStockRequest.ts';
import type { GetStockResponse as _commlab_inventory_v1_GetStockResponse, GetStockResponse__Output as _commlab_inventory_v1_GetStockResponse__Output } from '../../../commlab/inventory/v1/GetStockResponse.ts';
import type { ReleaseRequest as _commlab_inventory_v1_ReleaseRequest, ReleaseRequest__Output as _commlab_inventory_v1_ReleaseRequest__Output } from '../../../commlab/inventory/v1/ReleaseRequest.ts';
import type { ReleaseResponse as _commlab_inventory_v1_ReleaseResponse, ReleaseResponse__Output as _commlab_inventory_v1_ReleaseResponse__Output } from '../../../commlab/inventory/v1/ReleaseResponse.ts';
import type { ReserveRequest as _commlab_inventory_v1_ReserveRequest, ReserveRequest__Output as _commlab_inventory_v1_ReserveRequest__Output } from '../../../commlab/inventory/v1/ReserveRequest.ts';
import type { ReserveResponse as _commlab_inventory_v1_ReserveResponse, ReserveResponse__Output as _commlab_inventory_v1_ReserveResponse__Output } from '../../../commlab/inventory/v1/ReserveResponse.ts';

export interface InventoryServiceClient extends grpc.Client {
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
  
}

export interface InventoryServiceHandlers extends grpc.UntypedServiceImplementation {
  GetStock: grpc.handleUnaryCall<_commlab_inventory_v1_GetStockRequest__Output, _commlab_inventory_v1_GetStockResponse>;
  
  Release: grpc.handleUnaryCall<_commlab_inventory_v1_ReleaseRequest__Output, _commlab_inventory_v1_ReleaseResponse>;
  
  Reserve: grpc.handleUnaryCall<_commlab_inventory_v1_ReserveRequest__Output, _commlab_inventory_v1_ReserveResponse>;
  
}

export interface InventoryServiceDefinition extends grpc.ServiceDefinition {
  GetStock: MethodDefinition<_commlab_inventory_v1_GetStockRequest, _commlab_inventory_v1_GetStockResponse, _commlab_inventory_v1_GetStockRequest__Output, _commlab_inventory_v1_GetStockResponse__Output>
  Release: MethodDefinition<_commlab_inventory_v1_ReleaseRequest, _commlab_inventory_v1_ReleaseResponse, _commlab_inventory_v1_ReleaseRequest__Output, _commlab_inventory_v1_ReleaseResponse__Output>
  Reserve: MethodDefinition<_commlab_inventory_v1_ReserveRequest, _commlab_inventory_v1_ReserveResponse, _commlab_inventory_v1_ReserveRequest__Output, _commlab_inventory_v1_ReserveResponse__Output>
}
