// The same reservation encoded as JSON, protobuf and Thrift compact: its size in bytes, and
// how long encoding and decoding take, all measured in this one run (JSON is the baseline).
// Usage: node labs/04-rpc/sizes.ts [--iterations N]
import { TBufferedTransport, TCompactProtocol, TFramedTransport } from 'thrift';
import type { MethodDefinition } from '@grpc/proto-loader';
import { inventoryPackageDefinition } from '@commlab/contracts';
import { ReserveRequest } from '@commlab/contracts/thrift';

const at = process.argv.indexOf('--iterations');
const iterations = at === -1 ? 20_000 : Number(process.argv[at + 1]);

const order = {
  reservationId: '5f0c9a7e-2b1d-4c3e-9f8a-7d6b5c4e3a21',
  lines: [
    { sku: 'KB-001', quantity: 2 },
    { sku: 'MS-002', quantity: 1 },
    { sku: 'CB-007', quantity: 3 },
  ],
};

// gRPC's own (de)serializers for the Reserve request: protobuf, as on the wire.
const reserve = inventoryPackageDefinition()['commlab.inventory.v1.InventoryService'] as unknown as Record<
  string,
  MethodDefinition<object, object>
>;

interface Codec {
  name: string;
  encode(): Buffer;
  decode(bytes: Buffer): unknown;
}

/** What the generated structs can do beyond what their .d.ts declares. */
interface ThriftStruct {
  write(protocol: TCompactProtocol): void;
  read(protocol: TCompactProtocol): void;
}

// One transport and protocol for every encoding, as one connection would reuse them.
let thriftBytes: Buffer = Buffer.alloc(0);
const thriftOut = new TCompactProtocol(
  new TBufferedTransport(undefined, (bytes) => {
    thriftBytes = bytes!;
  }),
);

const codecs: Codec[] = [
  {
    name: 'JSON',
    encode: () => Buffer.from(JSON.stringify(order)),
    decode: (bytes) => JSON.parse(bytes.toString('utf8')),
  },
  {
    name: 'protobuf',
    encode: () => reserve.Reserve!.requestSerialize(order),
    decode: (bytes) => reserve.Reserve!.requestDeserialize(bytes),
  },
  {
    name: 'Thrift compact',
    encode: () => {
      (new ReserveRequest(order) as unknown as ThriftStruct).write(thriftOut);
      thriftOut.flush();
      return thriftBytes;
    },
    decode: (bytes) => {
      const request = new ReserveRequest();
      (request as unknown as ThriftStruct).read(new TCompactProtocol(new TFramedTransport(bytes)));
      return request;
    },
  },
];

/** Microseconds per call of `work`, after a warm-up so the JIT has settled. */
function timePerCall(work: () => unknown): number {
  for (let i = 0; i < 1_000; i++) work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) work();
  return Number(process.hrtime.bigint() - started) / 1_000 / iterations;
}

const rows = codecs.map((codec) => {
  const bytes = codec.encode();
  const decoded = codec.decode(bytes) as typeof order;
  if (decoded.lines.length !== order.lines.length || decoded.reservationId !== order.reservationId) {
    throw new Error(`${codec.name} did not give the order back`);
  }
  return {
    name: codec.name,
    size: bytes.length,
    encode: timePerCall(codec.encode),
    decode: timePerCall(() => codec.decode(bytes)),
  };
});

const baseline = rows[0]!.size;
console.log(`The same reservation (an id and ${order.lines.length} lines), ${iterations} times each:`);
console.log('');
console.log(
  `${'format'.padEnd(16)}${'bytes'.padStart(6)}${'vs JSON'.padStart(10)}${'encode µs'.padStart(12)}${'decode µs'.padStart(12)}`,
);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(16)}${String(row.size).padStart(6)}${`${Math.round((100 * row.size) / baseline)} %`.padStart(10)}` +
      `${row.encode.toFixed(2).padStart(12)}${row.decode.toFixed(2).padStart(12)}`,
  );
}
