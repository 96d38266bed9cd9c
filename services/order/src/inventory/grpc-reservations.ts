import { credentials, Metadata, status, type Interceptor, type ServiceError } from '@grpc/grpc-js';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import { OrderError } from '../domain/errors.ts';
import type { OrderLine } from '../domain/order.ts';
import type { StockReservations } from '../domain/ports.ts';

export interface GrpcInventory extends StockReservations {
  close(): void;
}

/**
 * Inventory over gRPC. One channel is made at start-up and reused for every call
 * (HTTP/2 multiplexes them); keep-alive pings notice a dead peer between calls.
 */
export function grpcInventory(address: string, interceptors: Interceptor[] = []): GrpcInventory {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const client: InventoryServiceClient = new InventoryService(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 5_000,
    interceptors,
  });

  return {
    reserve: (orderId: string, lines: readonly OrderLine[], deadline: Date) =>
      new Promise<void>((resolve, reject) => {
        client.Reserve({ reservationId: orderId, lines: [...lines] }, new Metadata(), { deadline }, (err) =>
          err ? reject(toOrderError(err, address)) : resolve(),
        );
      }),
    release: (orderId: string, deadline: Date) =>
      new Promise<void>((resolve, reject) => {
        client.Release({ reservationId: orderId }, new Metadata(), { deadline }, (err) =>
          err ? reject(toOrderError(err, address)) : resolve(),
        );
      }),
    close: () => client.close(),
  };
}

/** Inventory's status codes in the order domain's words. */
function toOrderError(err: ServiceError, address: string): OrderError {
  const subject = err.metadata?.get('error-subject')[0]?.toString();
  const reason = err.metadata?.get('error-reason')[0]?.toString();
  switch (err.code) {
    case status.NOT_FOUND:
      return new OrderError('UNKNOWN_SKU', err.details, { subject, cause: err });
    case status.FAILED_PRECONDITION:
      if (reason === 'INSUFFICIENT_STOCK')
        return new OrderError('INSUFFICIENT_STOCK', err.details, { subject, cause: err });
      break;
    case status.INVALID_ARGUMENT:
      return new OrderError('INVALID_ORDER', err.details, { subject, cause: err });
    case status.DEADLINE_EXCEEDED:
      return new OrderError('INVENTORY_TIMEOUT', `inventory at ${address} did not answer in time`, { cause: err });
    case status.UNAVAILABLE:
      return new OrderError('INVENTORY_UNAVAILABLE', `inventory at ${address} is unavailable: ${err.details}`, {
        cause: err,
      });
  }
  return new OrderError('INVENTORY_UNAVAILABLE', `inventory failed: ${status[err.code]} ${err.details}`, {
    cause: err,
  });
}
