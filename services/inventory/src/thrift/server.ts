import type { AddressInfo, Socket } from 'node:net';
import { createServer, TCompactProtocol, TFramedTransport } from 'thrift';
import { ThriftInventoryService } from '@commlab/contracts/thrift';
import type { Logger } from '@commlab/kit';
import type { Inventory } from '../domain/ledger.ts';
import { toThriftException } from './errors.ts';

/** Largest frame a client may send; a bigger one closes its connection before anything is read. */
export const maxFrameBytes = 64 * 1024;

export interface ThriftServer {
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The unary inventory calls over Thrift: framed transport (each message prefixed by its
 * length) and the compact protocol, over plain TCP. Thrift carries no per-call metadata or
 * deadline here, so there is no request id to log and no way to learn that a caller gave up.
 */
export function createThriftServer({ inventory, logger }: { inventory: Inventory; logger: Logger }): ThriftServer {
  const log = logger.child({ transport: 'thrift' });

  async function run<T>(method: string, work: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      const ms = Math.round(performance.now() - started);
      log.info({ method, ms }, `${method} OK ${ms}ms`);
      return result;
    } catch (err) {
      const { kind, exception } = toThriftException(err);
      if (kind === 'internal') log.error({ err, method }, 'unexpected error');
      else log.info({ method, exception: kind, details: exception.message }, `${method} threw ${kind}`);
      throw exception;
    }
  }

  // Each method takes exactly its IDL arguments: the generated processor counts them to tell a
  // promise-returning handler from a callback one.
  const handler = {
    getStock: (skus: string[]) => run('getStock', () => inventory.stockLevels(skus ?? [])),
    reserve: (request: { reservationId: string; lines: { sku: string; quantity: number }[] } | null) =>
      run('reserve', async () => ({
        reservationId: request?.reservationId,
        items: await inventory.reserve(request?.reservationId as string, request?.lines as never),
      })),
    release: (reservationId: string) => run('release', () => inventory.release(reservationId)),
  };

  // Passed as a variable: @types/thrift predates the maxLength option.
  const options = { transport: TFramedTransport, protocol: TCompactProtocol, maxLength: maxFrameBytes };
  const server = createServer(ThriftInventoryService.Processor, handler, options);
  // A broken or oversized frame from one client closes that client's connection; the server goes on.
  server.on('error', (err: Error) => log.warn({ err: err.message }, 'Thrift connection closed after a bad frame'));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    // Calls are answered as soon as they are read, so ending idle connections loses nothing.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.end();
      }),
  };
}
