import { createClient, createConnection, TCompactProtocol, TFramedTransport, type Connection } from 'thrift';
import {
  InvalidArgument,
  RefusalReason,
  Refused,
  ThriftInventoryService,
  UnknownSku,
  type ThriftInventoryClient,
} from '@commlab/contracts/thrift';
import type { OrderLine } from '../domain/order.ts';
import type { InventoryEdge } from './edge.ts';
import { inventoryTimeout, inventoryUnavailable, refusalToOrderError } from './refusals.ts';

interface Link {
  connection: Connection;
  client: ThriftInventoryClient;
  /** Rejects the calls waiting on this connection when it fails. */
  waiting: Set<(err: Error) => void>;
}

/**
 * Inventory over Thrift: one TCP connection (framed transport, compact protocol), reused for
 * every call and replaced after it fails. Thrift's Node client keeps no deadline and notices
 * no dead peer by itself, so both are done here: each call races its deadline, and a broken
 * connection fails the calls waiting on it. Inventory never learns that a caller gave up.
 */
export function thriftInventory(address: string): InventoryEdge {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  let link: Link | undefined;

  function open(): Link {
    if (link) return link;
    const connection = createConnection(host, port, {
      transport: TFramedTransport,
      protocol: TCompactProtocol,
      connect_timeout: 2_000,
    });
    const current: Link = { connection, client: createClient(ThriftInventoryService, connection), waiting: new Set() };
    const fail = (err: Error) => {
      if (link === current) link = undefined;
      for (const reject of current.waiting) reject(err);
      current.waiting.clear();
    };
    connection.on('error', fail);
    connection.on('close', () => fail(new Error('connection closed')));
    link = current;
    return current;
  }

  function call<T>(deadline: Date, invoke: (client: ThriftInventoryClient) => Promise<T>): Promise<T> {
    const current = open();
    return new Promise<T>((resolve, reject) => {
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        current.waiting.delete(broken);
        finish();
      };
      const broken = (err: Error) => settle(() => reject(inventoryUnavailable(address, err.message, err)));
      const timer = setTimeout(() => settle(() => reject(inventoryTimeout(address))), deadline.getTime() - Date.now());
      current.waiting.add(broken);
      invoke(current.client).then(
        (value) => settle(() => resolve(value)),
        (err: unknown) => settle(() => reject(toOrderError(err, address))),
      );
    });
  }

  return {
    reserve: async (orderId: string, lines: readonly OrderLine[], deadline: Date) => {
      await call(deadline, (client) => client.reserve({ reservationId: orderId, lines: [...lines] }));
    },
    release: async (orderId: string, deadline: Date) => {
      await call(deadline, (client) => client.release(orderId));
    },
    ready: async () => {
      await call(new Date(Date.now() + 2_000), (client) => client.getStock([]));
    },
    close: () => {
      link?.connection.end();
      link = undefined;
    },
  };
}

/** Inventory's declared exceptions in the order domain's words. */
function toOrderError(err: unknown, address: string) {
  if (err instanceof InvalidArgument)
    return refusalToOrderError({ reason: 'INVALID_ARGUMENT', message: err.message, subject: err.field }, err);
  if (err instanceof UnknownSku)
    return refusalToOrderError({ reason: 'UNKNOWN_SKU', message: err.message, subject: err.sku }, err);
  if (err instanceof Refused) {
    return refusalToOrderError(
      { reason: RefusalReason[err.reason] ?? String(err.reason), message: err.message, subject: err.subject },
      err,
    );
  }
  return inventoryUnavailable(address, (err as Error).message ?? String(err), err);
}
