import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { openLoop, Report, type Experiment } from '@commlab/bench';
import { httpDriver } from '@commlab/bench/drivers/http';
import { compress, ordersJson, type Encoding } from '@commlab/bench/payload';
import { startBareFastify, timeUs } from './support.ts';

const encodings: Encoding[] = ['identity', 'gzip', 'br', 'zstd'];
const decompress: Record<Encoding, (b: Buffer) => Buffer> = {
  identity: (b) => b,
  gzip: gunzipSync,
  br: brotliDecompressSync,
  zstd: zstdDecompressSync,
};

/** Experiment 4: when compression pays, and what it costs in CPU. */
export const compression: Experiment = {
  name: 'compression',
  title: '4. Compression: none, gzip, brotli, zstd across payload sizes',
  question: 'From what size does compressing a response pay, on which links, and at what CPU cost?',
  async run(context) {
    const report = new Report('compression', this.title, { question: this.question, short: context.short });
    const sizes = context.short ? [200, 20_000] : [200, 2_000, 20_000, 200_000];
    const rows: (string | number)[][] = [];
    for (const size of sizes) {
      const body = Buffer.from(ordersJson(size));
      for (const encoding of encodings) {
        const packed = compress(body, encoding);
        const iterations = Math.max(3, Math.round((context.short ? 20_000 : 200_000) / size));
        const cpuUs =
          encoding === 'identity'
            ? 0
            : timeUs(() => compress(body, encoding), iterations) +
              timeUs(() => decompress[encoding](packed), iterations);
        const savedBits = (body.length - packed.length) * 8;
        // Compression pays on a link slower than this: the bytes saved take longer to send than the CPU spent.
        const paysBelowMbps = cpuUs > 0 ? savedBits / cpuUs : Infinity;
        rows.push([
          `${body.length.toLocaleString('en-US')} B`,
          encoding,
          `${packed.length.toLocaleString('en-US')} B`,
          `${((packed.length / body.length) * 100).toFixed(0)}%`,
          encoding === 'identity' ? '–' : `${cpuUs.toFixed(1)} µs`,
          encoding === 'identity'
            ? '–'
            : paysBelowMbps > 0
              ? `${Math.round(paysBelowMbps).toLocaleString('en-US')} Mbit/s`
              : 'never',
        ]);
      }
    }
    report.table({
      title: 'Sizes and CPU (compress + decompress, this machine, one core)',
      columns: ['JSON', 'encoding', 'on the wire', 'of original', 'CPU', 'pays on links below'],
      rows,
    });

    const bare = await startBareFastify(context, { LOG_LEVEL: 'warn' }, 'bare-compression');
    try {
      const size = 20_000;
      const rate = context.short ? 100 : 300;
      for (const encoding of encodings) {
        const http = httpDriver(`http://127.0.0.1:${bare.port}`, {
          headers: encoding === 'identity' ? {} : { 'accept-encoding': encoding },
        });
        try {
          const send = http.send({ path: `/payload?bytes=${size}` });
          await send({ seq: 0, intendedAt: performance.now() });
          const each = http.bytesRead;
          context.progress(`${encoding}: ${size / 1000} KB responses, ${rate}/s, open loop`);
          const run = await openLoop(send, {
            rate,
            durationMs: context.short ? 400 : 5_000,
            warmupMs: context.short ? 100 : 1_000,
          });
          report.add(`${encoding}, 20 KB JSON @ ${rate}/s, ${each.toLocaleString('en-US')} B each`, run);
        } finally {
          await http.close();
        }
      }
    } finally {
      await bare.stop();
    }
    report.note(
      'On loopback, bytes are free and compression only costs: its latency rows show the CPU it adds. Across a ' +
        'network it pays when the link is slower than the last column. Tiny bodies grow (headers and dictionaries ' +
        'outweigh the savings): compress above about 1 KB, as most servers default to.',
    );
    return report;
  },
};
