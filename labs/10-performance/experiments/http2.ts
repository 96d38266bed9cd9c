import { closedLoop, openLoop, Report, type Experiment, type BenchRequest } from '@commlab/bench';
import { httpDriver, type HttpClientOptions } from '@commlab/bench/drivers/http';
import { startBareFastify } from './support.ts';

/** Experiment 3: many small concurrent calls over HTTP/1.1 and HTTP/2, and head-of-line blocking. */
export const http2: Experiment = {
  name: 'http2',
  title: '3. HTTP/1.1 against HTTP/2 for many small concurrent calls',
  question: 'What does multiplexing buy, and what is head-of-line blocking when one call in fifty is slow?',
  async run(context) {
    const report = new Report('http2', this.title, { question: this.question, short: context.short });
    // Bare fastify twice, the same app over HTTP/1.1 and over cleartext HTTP/2 (h2c), logging at warn.
    const [h1, h2] = await Promise.all([
      startBareFastify(context, { LOG_LEVEL: 'warn' }, 'bare-http1'),
      startBareFastify(context, { LOG_LEVEL: 'warn', HTTP2: '1' }, 'bare-http2'),
    ]);
    const variants: [string, string, HttpClientOptions][] = [
      ['HTTP/1.1, 1 connection', `http://127.0.0.1:${h1.port}`, { connections: 1 }],
      ['HTTP/1.1, 1 connection, pipelining 10', `http://127.0.0.1:${h1.port}`, { connections: 1, pipelining: 10 }],
      ['HTTP/1.1, 10 connections', `http://127.0.0.1:${h1.port}`, { connections: 10 }],
      ['HTTP/2, 1 connection', `http://127.0.0.1:${h2.port}`, { protocol: 'h2c' }],
    ];
    // One request in fifty takes 50 ms at the server; the rest answer at once.
    const path = ({ seq }: BenchRequest) => (seq % 50 === 0 ? '/slow?ms=50' : '/hello');
    const rate = context.short ? 100 : 300;
    try {
      for (const [name, origin, options] of variants) {
        const http = httpDriver(origin, options);
        try {
          context.progress(`${name}: ${rate}/s, open loop, 1 in 50 slow`);
          const mixed = await openLoop(http.send({ path }), {
            rate,
            durationMs: context.short ? 400 : 5_000,
            warmupMs: context.short ? 100 : 1_000,
          });
          report.add(`${name}: 2% slow @ ${rate}/s`, mixed);
          context.progress(`${name}: closed loop, 100 small calls in flight`);
          const many = await closedLoop(http.send({ path: '/hello' }), {
            concurrency: 100,
            durationMs: context.short ? 400 : 4_000,
            warmupMs: context.short ? 100 : 1_000,
          });
          report.add(`${name}: 100 in flight`, many);
        } finally {
          await http.close();
        }
      }
      report.ratio(
        'HTTP/2 ×1 / HTTP/1.1 ×1, p90 with 2% slow (lower is better)',
        'HTTP/2, 1 connection: 2% slow @ ' + rate + '/s',
        'HTTP/1.1, 1 connection: 2% slow @ ' + rate + '/s',
        { metric: 'p90' },
      );
      report.ratio(
        'HTTP/2 ×1 / HTTP/1.1 ×10, req/s with 100 in flight',
        'HTTP/2, 1 connection: 100 in flight',
        'HTTP/1.1, 10 connections: 100 in flight',
      );
      report.note(
        'On one HTTP/1.1 connection a request waits for every answer before it (without pipelining, it waits to ' +
          'be sent; with it, the server must answer in order): a slow answer delays all behind it. HTTP/2 gives each ' +
          'call its own stream on one connection, so fast answers overtake slow ones. HTTP/2 still shares one TCP ' +
          'connection: a lost packet stalls every stream (TCP head-of-line blocking), which HTTP/3 over QUIC removes.',
      );
    } finally {
      await h1.stop();
      await h2.stop();
    }
    return report;
  },
};
