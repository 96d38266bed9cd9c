// The inventory contract over Apache Thrift: code generated from
// protos/commlab/inventory/v1/inventory.thrift by `pnpm gen:thrift`, re-exported for ES modules.
import { createRequire } from 'node:module';
import type * as ServiceModule from './generated-thrift/InventoryService.js';
import type * as TypesModule from './generated-thrift/inventory_types.js';

// The compiler writes CommonJS whose files require each other. Loading them with require too
// keeps one copy of each class, so `instanceof InvalidArgument` holds on both sides of the wire
// whatever loader (Node, a test runner) imported this module.
const require = createRequire(import.meta.url);
const InventoryService = require('./generated-thrift/InventoryService.js') as typeof ServiceModule;
const types = require('./generated-thrift/inventory_types.js') as typeof TypesModule;

export { InventoryService as ThriftInventoryService };
export const {
  StockLevel,
  ReservationLine,
  ReserveRequest,
  ReserveResponse,
  RefusalReason,
  InvalidArgument,
  UnknownSku,
  Refused,
} = types;
export type ThriftInventoryClient = InstanceType<typeof InventoryService.Client>;
