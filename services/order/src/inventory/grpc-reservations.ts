import {
  credentials,
  Metadata,
  status,
  type CallCredentials,
  type ChannelCredentials,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import { probe, requestIdHeader, tlsTargetOptions } from '@commlab/kit';
import type { OrderLine } from '../domain/order.ts';
import { requestScope } from '../request-scope.ts';
import type { InventoryEdge } from './edge.ts';
import { inventoryTimeout, inventoryUnavailable, refusalToOrderError } from './refusals.ts';
import { inventoryTarget, replicaAddresses, replicaChannelOptions } from './replicas.ts';

/**
 * Inventory over gRPC. One channel is made at start-up and reused for every call (HTTP/2
 * multiplexes them on one connection); keep-alive pings, also between calls, notice a dead
 * peer before a call has to. Each call carries its deadline (`grpc-timeout`) and the request id.
 * `address` may list several replicas (`host:port,host:port`): the channel then balances over
 * them, leaving out one that is down or failing (replicas.ts).
 */
export function grpcInventory(
  address: string,
  interceptors: Interceptor[] = [],
  security: GrpcSecurity = {},
): InventoryEdge {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const channel = security.channel ?? credentials.createInsecure();
  // Call credentials (the access token) travel only on a TLS channel; grpc-js refuses otherwise.
  const creds = security.call ? credentials.combineChannelCredentials(channel, security.call) : channel;
  const replicas = replicaAddresses(address);
  const client: InventoryServiceClient = new InventoryService(inventoryTarget(address), creds, {
    ...(replicas.length > 1 && replicaChannelOptions()),
    ...(security.channel && tlsTargetOptions(address)),
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    interceptors,
  });

  const callback = (resolve: () => void, reject: (err: unknown) => void) => (err: ServiceError | null) =>
    err ? reject(toOrderError(err, address)) : resolve();

  return {
    reserve: (orderId: string, lines: readonly OrderLine[], deadline: Date) =>
      new Promise<void>((resolve, reject) => {
        client.Reserve(
          { reservationId: orderId, lines: [...lines] },
          metadata(),
          { deadline },
          callback(resolve, reject),
        );
      }),
    release: (orderId: string, deadline: Date) =>
      new Promise<void>((resolve, reject) => {
        client.Release({ reservationId: orderId }, metadata(), { deadline }, callback(resolve, reject));
      }),
    // Serving (one replica is enough), and this client's own channel connected: the first order
    // does not pay for the connection.
    ready: async () => {
      await (security.probe
        ? probe(security.probe)
        : Promise.any(replicas.map((replica) => probe(`grpc://${replica}`))).catch((err: AggregateError) => {
            throw err.errors[0];
          }));
      await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + 2000, (err) => (err ? reject(err) : resolve())),
      );
    },
    close: () => client.close(),
  };
}

/** mTLS and an access token on the channel to inventory (lab 09); none by default. */
export interface GrpcSecurity {
  channel?: ChannelCredentials;
  call?: CallCredentials;
  /** How readiness asks inventory's health service (`grpcs://…` with this service's certificate). */
  probe?: string;
}

function metadata(): Metadata {
  const metadata = new Metadata();
  const scope = requestScope.current();
  if (scope) metadata.set(requestIdHeader, scope.requestId);
  return metadata;
}

/** Inventory's status codes in the order domain's words. */
function toOrderError(err: ServiceError, address: string) {
  const reason = err.metadata?.get('error-reason')[0]?.toString();
  const subject = err.metadata?.get('error-subject')[0]?.toString();
  switch (err.code) {
    case status.INVALID_ARGUMENT:
    case status.NOT_FOUND:
    case status.FAILED_PRECONDITION:
    case status.ALREADY_EXISTS:
      return refusalToOrderError({ reason: reason ?? status[err.code], message: err.details, subject }, err);
    case status.DEADLINE_EXCEEDED:
      return inventoryTimeout(address, err);
    case status.UNAVAILABLE:
      return inventoryUnavailable(address, err.details, err);
  }
  return inventoryUnavailable(address, `${status[err.code]} ${err.details}`, err);
}
