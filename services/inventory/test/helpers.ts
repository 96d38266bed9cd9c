import { Writable } from 'node:stream';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import { loadConfig } from '@commlab/kit';
import { InventoryConfig } from '../src/config.ts';
import { buildService, type InventoryAdapters } from '../src/service.ts';

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

export interface InventoryOptions {
  /** Configuration beyond the test defaults (a free port, a fresh SQLite folder, no logs). */
  env?: Record<string, string>;
  logger?: Logger;
  inventory?: InventoryAdapters['inventory'];
}

/** The inventory service as main.ts builds it, on its own throw-away SQLite folder, not started. */
export async function buildInventory({
  env = {},
  logger = pino({ level: 'silent' }),
  inventory,
}: InventoryOptions = {}) {
  const config = loadConfig(InventoryConfig, {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-inventory-')),
    PORT: '0',
    ...env,
  });
  const service = await buildService(config, { logger, ...(inventory && { inventory }) });
  return {
    service,
    close: async () => {
      for (const part of service.parts) await part.close();
    },
  };
}

/** A started inventory service (every edge on a free loopback port), and a gRPC client for it. */
export async function startInventory(options: InventoryOptions = {}) {
  const { service, close } = await buildInventory(options);
  const ports = await service.start();
  const address = `127.0.0.1:${ports.grpc}`;
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const client: InventoryServiceClient = new InventoryService(address, credentials.createInsecure());
  return {
    address,
    ports,
    client,
    service,
    close: async () => {
      client.close();
      await close();
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
