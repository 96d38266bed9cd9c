import { createClient, createConnection, TCompactProtocol, TFramedTransport } from 'thrift';
import { ThriftInventoryService, type ThriftInventoryClient } from '@commlab/contracts/thrift';
import type { Send } from '../open-loop.ts';

export interface ThriftInventoryDriver {
  client: ThriftInventoryClient;
  /** getStock of the given SKUs: one call per request. */
  getStock(skus: string[]): Send;
  close(): void;
}

/**
 * A Thrift client of the inventory contract (the code @commlab/contracts generates from
 * inventory.thrift), on one framed, compact-protocol connection, as the order service uses it.
 * Thrift's Node client multiplexes calls on the connection by sequence id.
 */
export function thriftInventoryDriver(address: string): ThriftInventoryDriver {
  const colon = address.lastIndexOf(':');
  const connection = createConnection(address.slice(0, colon), Number(address.slice(colon + 1)), {
    transport: TFramedTransport,
    protocol: TCompactProtocol,
    connect_timeout: 2_000,
  });
  // Failed calls reject; the connection's own errors would otherwise be unhandled.
  connection.on('error', () => {});
  const client = createClient(ThriftInventoryService, connection);
  return {
    client,
    getStock: (skus) => () => client.getStock(skus),
    close: () => connection.end(),
  };
}
