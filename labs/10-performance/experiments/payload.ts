import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import protobuf from 'protobufjs';
import { Report, type Experiment } from '@commlab/bench';
import { sampleOrder } from '@commlab/bench/payload';
import { timeUs } from './support.ts';

interface Format {
  name: string;
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** Experiment 5: the same order documents as JSON, protobuf and MessagePack. */
export const payload: Experiment = {
  name: 'payload',
  title: '5. Payload format: JSON, protobuf, MessagePack',
  question: 'How many bytes and how much CPU does each format take for the order documents?',
  async run(context) {
    const report = new Report('payload', this.title, { question: this.question, short: context.short });
    const root = await protobuf.load(fileURLToPath(new URL('../order-document.proto', import.meta.url)));
    const types = {
      one: root.lookupType('commlab.bench.v1.Order'),
      page: root.lookupType('commlab.bench.v1.OrderPage'),
    };
    const packr = new Packr({ useRecords: false });
    const documents = {
      'one order': { value: sampleOrder(1), proto: types.one },
      'a page of 50': { value: { orders: Array.from({ length: 50 }, (_, n) => sampleOrder(n)) }, proto: types.page },
    };
    const rows: (string | number)[][] = [];
    for (const [document, { value, proto }] of Object.entries(documents)) {
      const formats: Format[] = [
        {
          name: 'JSON',
          encode: (v) => Buffer.from(JSON.stringify(v)),
          decode: (b) => JSON.parse(Buffer.from(b).toString('utf8')) as unknown,
        },
        {
          name: 'protobuf',
          // Plain objects of the schema's shape encode as they are; a decoded message reads like one.
          encode: (v) => proto.encode(v as Record<string, unknown>).finish(),
          decode: (b) => proto.decode(b),
        },
        { name: 'MessagePack', encode: (v) => packr.pack(v), decode: (b) => packr.unpack(b as Buffer) as unknown },
      ];
      const jsonBytes = formats[0]!.encode(value).length;
      for (const format of formats) {
        const bytes = format.encode(value);
        const iterations = context.short ? 200 : document === 'one order' ? 20_000 : 1_000;
        rows.push([
          document,
          format.name,
          `${bytes.length.toLocaleString('en-US')} B`,
          `${((bytes.length / jsonBytes) * 100).toFixed(0)}%`,
          `${gzipSync(bytes).length.toLocaleString('en-US')} B`,
          `${timeUs(() => format.encode(value), iterations).toFixed(2)} µs`,
          `${timeUs(() => format.decode(bytes), iterations).toFixed(2)} µs`,
        ]);
      }
    }
    report.table({
      title: 'Bytes and CPU per document (this machine, one core; median of five batches)',
      columns: ['document', 'format', 'bytes', 'of JSON', 'gzipped', 'encode', 'decode'],
      rows,
    });
    report.note(
      'protobuf leaves the field names out (the schema has them) and writes numbers as varints, so it is the ' +
        'smallest; most of an order is strings (ids, SKUs, a time), which no format shrinks. V8 parses JSON natively, ' +
        'so JSON decodes fast despite its size. Gzipped, the formats end up much closer: repeated names compress well.',
    );
    return report;
  },
};
