// A small command-line client for inventory's gRPC API, so the guide needs no grpcurl.
// Usage: node labs/04-rpc/client.ts <host:port> <command> [arguments] [--request-id ID]
//   services                      what the server says it offers (server reflection)
//   stock <SKU>...                unary GetStock
//   watch <SKU>... [--count N]    server streaming WatchStock; stops after N messages (or Ctrl-C)
//   adjust <file.csv | ->         client streaming AdjustStock; lines "sku,delta,reason"
//   session                       bidirectional ReserveSession; reads lines from stdin:
//                                 "reserve <id> <SKU>:<qty> ..." or "release <id>"
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { loadInventoryProto, type SessionReply, type StockLevel } from '@commlab/contracts';

const [address, command, ...rest] = process.argv.slice(2);
const option = (name: string) => {
  const at = rest.indexOf(`--${name}`);
  return at === -1 ? undefined : rest.splice(at, 2)[1];
};
const requestId = option('request-id');
const count = Number(option('count') ?? Infinity);
const args = rest;

if (!address || !command) {
  console.error(
    'usage: node labs/04-rpc/client.ts <host:port> services|stock|watch|adjust|session [args] [--request-id ID]',
  );
  process.exit(2);
}

const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
const client = new InventoryService(address, credentials.createInsecure());
const metadata = new Metadata();
if (requestId) metadata.set('x-request-id', requestId);

const show = (level: StockLevel) => `${level.sku} available=${level.available} reserved=${level.reserved}`;

/** Prints a failed call's status the way the guide shows it, and fails the process. */
function fail(error: ServiceError): never {
  const subject = error.metadata?.get('error-subject')[0];
  console.log(`refused: ${status[error.code]}${subject ? ` ${String(subject)}` : ''}: ${error.details}`);
  client.close();
  process.exit(1);
}

const commands: Record<string, () => void | Promise<void>> = {
  async services() {
    const reflection = new GrpcReflection(address, credentials.createInsecure());
    for (const name of (await reflection.listServices()).sort()) {
      console.log(name);
      if (!name.startsWith('commlab.')) continue;
      const descriptor = await reflection.getDescriptorBySymbol(name);
      const pkg = descriptor.getPackageObject({ keepCase: true }) as Record<string, unknown>;
      const service = name.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], pkg) as {
        service: Record<string, { requestStream: boolean; responseStream: boolean }>;
      };
      for (const [method, { requestStream, responseStream }] of Object.entries(service.service)) {
        const kind = requestStream
          ? responseStream
            ? 'bidirectional streaming'
            : 'client streaming'
          : responseStream
            ? 'server streaming'
            : 'unary';
        console.log(`  ${method.padEnd(15)} ${kind}`);
      }
    }
    client.close();
  },

  stock() {
    client.GetStock({ skus: args }, metadata, (err, reply) => {
      if (err) fail(err);
      for (const level of reply!.items) console.log(show(level));
      client.close();
    });
  },

  watch() {
    const stream = client.WatchStock({ skus: args }, metadata);
    let seen = 0;
    stream.on('data', (level: StockLevel) => {
      console.log(show(level));
      // Cancelling is how a client says "enough": the server stops watching for it.
      if (++seen >= count) stream.cancel();
    });
    stream.on('error', (err: ServiceError) => {
      if (err.code !== status.CANCELLED) fail(err);
      client.close();
    });
    process.once('SIGINT', () => stream.cancel());
  },

  adjust() {
    const source = args[0] === '-' || !args[0] ? 0 : args[0];
    const rows = readFileSync(source, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('sku,'));
    const upload = client.AdjustStock(metadata, (err, summary) => {
      if (err) fail(err);
      console.log(`applied ${summary!.adjustments} adjustments`);
      for (const level of summary!.items) console.log(show(level));
      client.close();
    });
    for (const row of rows) {
      const [sku, delta, reason = ''] = row.split(',');
      // A number goes as it is, to show how a server meets an enum value it does not know.
      const value = /^\d+$/.test(reason) ? Number(reason) : `ADJUSTMENT_REASON_${reason}`;
      upload.write({ sku, delta: Number(delta), reason: value as never });
    }
    upload.end();
  },

  session() {
    const session = client.ReserveSession(metadata);
    let n = 0;
    session.on('data', (reply: SessionReply) => {
      const id = reply.reserved?.reservationId ?? reply.released?.reservationId ?? '';
      if (reply.reserved)
        console.log(`${reply.correlationId} reserved ${id}: ${reply.reserved.items.map(show).join(', ')}`);
      if (reply.released) console.log(`${reply.correlationId} released ${id}: ${reply.released.released}`);
      if (reply.refusal) {
        const { code, reason, message } = reply.refusal;
        const why = reason === status[code] ? '' : ` ${reason}`;
        console.log(`${reply.correlationId} refused: ${status[code]}${why}: ${message}`);
      }
    });
    session.on('error', fail);
    session.on('end', () => client.close());
    const input = createInterface({ input: process.stdin });
    input.on('line', (line) => {
      const [verb, reservationId = '', ...lines] = line.trim().split(/\s+/);
      const correlationId = `#${++n}`;
      if (verb === 'release') session.write({ correlationId, release: { reservationId } });
      else if (verb === 'reserve') {
        const parsed = lines.map((l) => ({ sku: l.split(':')[0], quantity: Number(l.split(':')[1]) }));
        session.write({ correlationId, reserve: { reservationId, lines: parsed } });
      } else session.write({ correlationId }); // neither: the server refuses it, the session goes on
    });
    input.on('close', () => session.end());
  },
};

const run = commands[command];
if (!run) {
  console.error(`unknown command ${command}`);
  process.exit(2);
}
await run();
