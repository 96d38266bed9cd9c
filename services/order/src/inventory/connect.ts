import type { Interceptor } from '@grpc/grpc-js';
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
const transports: Record<
  InventoryEdgeConfig['INVENTORY_TRANSPORT'],
  (config: InventoryEdgeConfig, grpcInterceptors: Interceptor[]) => InventoryEdge
> = {
  grpc: (config, grpcInterceptors) => grpcInventory(config.INVENTORY_ADDR, grpcInterceptors),
  thrift: (config) => thriftInventory(config.INVENTORY_THRIFT_ADDR),
  rest: (config) => restInventory(config.INVENTORY_URL),
};

/** `grpcInterceptors` wrap every gRPC call (the lab console's edge reporter uses one). */
export function connectInventory(config: InventoryEdgeConfig, grpcInterceptors: Interceptor[] = []): InventoryEdge {
  return transports[config.INVENTORY_TRANSPORT](config, grpcInterceptors);
}
