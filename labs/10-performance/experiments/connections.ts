import { closedLoop, Report, type Experiment } from '@commlab/bench';
import { httpDriver, type HttpClientOptions } from '@commlab/bench/drivers/http';
import { formatUs, placeOrder, withCpu } from './support.ts';

/** Experiment 2: keep-alive against a new connection per request, and the size of the pool. */
export const connections: Experiment = {
  name: 'connections',
  title: '2. Keep-alive and connection pools',
  question: 'What does a new TCP connection per request cost, and how many pooled connections does a client need?',
  async run(context) {
    const report = new Report('connections', this.title, { question: this.question, short: context.short });
    const origin = context.url('order');
    const id = await placeOrder(origin);
    const concurrency = 32;
    const variants: [string, HttpClientOptions][] = [
      ['new connection per request (32 at a time)', { protocol: 'http1-no-keepalive', connections: concurrency }],
      ['keep-alive pool of 1', { connections: 1 }],
      ['keep-alive pool of 4', { connections: 4 }],
      ['keep-alive pool of 32', { connections: 32 }],
    ];
    const cpu: (string | number)[][] = [];
    for (const [name, options] of variants) {
      const http = httpDriver(origin, options);
      const send = http.send({ path: `/orders/${id}` });
      try {
        context.progress(`${name}: closed loop, ${concurrency} requests in flight`);
        await closedLoop(send, { concurrency, durationMs: context.short ? 150 : 1_000 });
        const { result, cpuPerRequestUs } = await withCpu(context.pid('order'), () =>
          closedLoop(send, { concurrency, durationMs: context.short ? 400 : 4_000 }),
        );
        report.add(name, result, { baseline: 'keep-alive pool of 32' });
        cpu.push([name, formatUs(cpuPerRequestUs)]);
      } finally {
        await http.close();
      }
    }
    report.ratio(
      'keep-alive / new connection per request, req/s',
      'keep-alive pool of 32',
      'new connection per request (32 at a time)',
    );
    report.ratio('pool of 32 / pool of 1, req/s', 'keep-alive pool of 32', 'keep-alive pool of 1');
    report.table({ title: 'Order service CPU per request', columns: ['client', 'CPU per request'], rows: cpu });
    report.note(
      'A new connection costs a TCP handshake (and on a real network a TLS one, several round trips) and leaves a ' +
        'socket in TIME_WAIT on the side that closed it. A pool of 1 serialises the 32 callers: they queue in the ' +
        'client, which is where their p99 comes from.',
    );
    return report;
  },
};
