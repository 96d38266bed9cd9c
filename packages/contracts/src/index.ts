import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { loaderOptions } from './loader-options.ts';
import type { ProtoGrpcType as InventoryProto } from './generated/inventory.ts';
import type { InventoryServiceClient } from './generated/commlab/inventory/v1/InventoryService.ts';
import type { StockLevel__Output as StockLevel } from './generated/commlab/inventory/v1/StockLevel.ts';

export { loaderOptions } from './loader-options.ts';
export type {
  InventoryServiceHandlers,
  InventoryServiceClient,
} from './generated/commlab/inventory/v1/InventoryService.ts';
export type { StockLevel__Output as StockLevel } from './generated/commlab/inventory/v1/StockLevel.ts';
export type { ReservationLine__Output as ReservationLine } from './generated/commlab/inventory/v1/ReservationLine.ts';
export type { GetStockResponse__Output as GetStockResponse } from './generated/commlab/inventory/v1/GetStockResponse.ts';
export type { ReserveResponse__Output as ReserveResponse } from './generated/commlab/inventory/v1/ReserveResponse.ts';
export type { ReleaseResponse__Output as ReleaseResponse } from './generated/commlab/inventory/v1/ReleaseResponse.ts';
export type { StockAdjustment__Output as StockAdjustment } from './generated/commlab/inventory/v1/StockAdjustment.ts';
export type { AdjustStockSummary__Output as AdjustStockSummary } from './generated/commlab/inventory/v1/AdjustStockSummary.ts';
export type { SessionRequest__Output as SessionRequest } from './generated/commlab/inventory/v1/SessionRequest.ts';
export type { SessionReply__Output as SessionReply } from './generated/commlab/inventory/v1/SessionReply.ts';
export type { Refusal__Output as Refusal } from './generated/commlab/inventory/v1/Refusal.ts';

/** The folder holding every .proto file; gRPC reflection and the loaders read from here. */
export const protoRoot = fileURLToPath(new URL('../../../protos', import.meta.url));

export const inventoryProtoFile = 'commlab/inventory/v1/inventory.proto';

/** The raw package definition (also what server reflection serves). */
export function inventoryPackageDefinition() {
  return loadSync(inventoryProtoFile, { ...loaderOptions, includeDirs: [protoRoot] });
}

export function loadInventoryProto(): InventoryProto {
  return loadPackageDefinition(inventoryPackageDefinition()) as unknown as InventoryProto;
}

/** One SKU's stock level over gRPC, as a promise (what tests and scripts ask inventory most). */
export function stockLevelOf(client: InventoryServiceClient, sku: string): Promise<StockLevel> {
  return new Promise((resolve, reject) =>
    client.GetStock({ skus: [sku] }, (err, reply) => (err ? reject(err) : resolve(reply!.items[0]!))),
  );
}
