import { Writable } from 'node:stream';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import { createInventoryServer } from '../src/app.ts';
import type { Inventory } from '../src/domain/ledger.ts';

/** A logger whose JSON lines a test can read back. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A real inventory gRPC server on a free loopback port, and a client for it. */
export async function startInventory(inventory: Inventory, logger: Logger = pino({ level: 'silent' })) {
  const server = createInventoryServer({ inventory, logger });
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const client: InventoryServiceClient = new InventoryService(address, credentials.createInsecure());
  return {
    address,
    client,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

/** Awaits a unary call: resolves with its reply or its ServiceError, never throwing. */
export function call<Res>(
  invoke: (callback: (error: ServiceError | null, reply?: Res) => void) => unknown,
): Promise<{ error: ServiceError | null; reply: Res | undefined }> {
  return new Promise((resolve) => {
    invoke((error, reply) => resolve({ error, reply }));
  });
}

/** Reads a server stream to its end: the messages, and the status it ended with (null for OK). */
export function readAll<T>(stream: NodeJS.EventEmitter): Promise<{ messages: T[]; error: ServiceError | null }> {
  return new Promise((resolve) => {
    const messages: T[] = [];
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => setImmediate(() => resolve({ messages, error: null })));
  });
}

/** The next message a stream delivers. */
export function nextMessage<T>(stream: NodeJS.EventEmitter): Promise<T> {
  return new Promise((resolve, reject) => {
    stream.once('data', resolve);
    stream.once('error', reject);
  });
}
