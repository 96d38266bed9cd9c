import type { Interceptor } from '@grpc/grpc-js';
import type { StockReservations } from '../domain/ports.ts';
import { grpcInventory, type GrpcSecurity } from './grpc-reservations.ts';
import { restInventory } from './rest-reservations.ts';
import { thriftInventory } from './thrift-reservations.ts';

/** The order service's edge to inventory, whichever transport carries it. */
export interface InventoryEdge extends StockReservations {
  /** Resolves when inventory answers over this transport (for /readyz). */
  ready(): Promise<void>;
  close(): void | Promise<void>;
}

export interface InventoryEdgeConfig {
  INVENTORY_TRANSPORT: 'grpc' | 'thrift' | 'rest';
  INVENTORY_ADDR: string;
  INVENTORY_THRIFT_ADDR: string;
  INVENTORY_URL: string;
}

/**
 * The one place INVENTORY_TRANSPORT picks an adapter; all three answer the same
 * StockReservations port. `grpcInterceptors` wrap every gRPC call (the lab console's edge
 * reporter uses one); `grpcSecurity` puts the channel on mTLS with an access token (lab 09).
 */
export function connectInventory(
  config: InventoryEdgeConfig,
  grpcInterceptors: Interceptor[] = [],
  grpcSecurity: GrpcSecurity = {},
): InventoryEdge {
  switch (config.INVENTORY_TRANSPORT) {
    case 'grpc':
      return grpcInventory(config.INVENTORY_ADDR, grpcInterceptors, grpcSecurity);
    case 'thrift':
      return thriftInventory(config.INVENTORY_THRIFT_ADDR);
    case 'rest':
      return restInventory(config.INVENTORY_URL);
  }
}
