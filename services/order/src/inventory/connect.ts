import type { InventoryEdge } from './edge.ts';
import { grpcInventory } from './grpc-reservations.ts';
import { restInventory } from './rest-reservations.ts';
import { thriftInventory } from './thrift-reservations.ts';

export interface InventoryEdgeConfig {
  INVENTORY_TRANSPORT: 'grpc' | 'thrift' | 'rest';
  INVENTORY_ADDR: string;
  INVENTORY_THRIFT_ADDR: string;
  INVENTORY_URL: string;
}

/** The one place INVENTORY_TRANSPORT picks an adapter; all three answer the same StockReservations port. */
const transports: Record<InventoryEdgeConfig['INVENTORY_TRANSPORT'], (config: InventoryEdgeConfig) => InventoryEdge> = {
  grpc: (config) => grpcInventory(config.INVENTORY_ADDR),
  thrift: (config) => thriftInventory(config.INVENTORY_THRIFT_ADDR),
  rest: (config) => restInventory(config.INVENTORY_URL),
};

export function connectInventory(config: InventoryEdgeConfig): InventoryEdge {
  return transports[config.INVENTORY_TRANSPORT](config);
}
