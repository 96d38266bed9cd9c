// The inventory contract over Apache Thrift: code generated from
// protos/commlab/inventory/v1/inventory.thrift by `pnpm gen:thrift` (CommonJS, as the Thrift
// compiler writes it), re-exported for ES modules.
import InventoryService from './generated-thrift/InventoryService.js';
import types from './generated-thrift/inventory_types.js';

export { InventoryService as ThriftInventoryService };
export const { StockLevel, ReservationLine, ReserveRequest, ReserveResponse, RefusalReason, InvalidArgument, UnknownSku, Refused } =
  types;
export type ThriftInventoryClient = InstanceType<typeof InventoryService.Client>;
