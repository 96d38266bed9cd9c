import { closedLoop, openLoop, Report, sweep, type Experiment } from '@commlab/bench';
import { autocannonRun, httpDriver } from '@commlab/bench/drivers/http';
import { placeOrder } from './support.ts';

/** Experiment 1: the order API's knee, and what a closed loop says about the same server. */
export const latency: Experiment = {
  name: 'latency',
  title: '1. Latency against throughput: where is the knee of the order API?',
  question: 'How much load can GET /orders/:id take before p99 blows up, and why does a closed-loop tool not see it?',
  async run(context) {
    const report = new Report('latency', this.title, { question: this.question, short: context.short });
    const origin = context.url('order');
    const id = await placeOrder(origin);
    const url = `${origin}/orders/${id}`;
    context.progress('warming up, then a closed loop (10 in flight) for the most it does');
    await autocannonRun({ url, connections: 10, durationMs: context.short ? 300 : 3_000 });
    const fractions = context.short ? [0.3, 0.9] : [0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2];
    const http = httpDriver(origin, { connections: 64 });
    try {
      // The same client for both loops: on two shared cores the generator's own cost counts,
      // so the closed loop's maximum is what this client and this server can do together.
      const closed = await closedLoop(http.send({ path: `/orders/${id}` }), {
        concurrency: 10,
        durationMs: context.short ? 400 : 5_000,
        warmupMs: context.short ? 100 : 1_000,
      });
      report.add('closed loop, 10 in flight', closed);
      const most = closed.achievedRate;
      const runs = await sweep(
        fractions.map((f) => Math.max(10, Math.round((most * f) / 10) * 10)),
        (rate) => {
          context.progress(`open loop at ${rate}/s`);
          return openLoop(http.send({ path: `/orders/${id}` }), {
            rate,
            durationMs: context.short ? 400 : 5_000,
            warmupMs: context.short ? 100 : 1_000,
            timeoutMs: 5_000,
            maxInFlight: 2_000,
          });
        },
      );
      runs.forEach((run, i) => report.add(`open loop ${Math.round(fractions[i]! * 100)}% (${run.offeredRate}/s)`, run));
      report.curve('GET /orders/:id', runs);
      const calm = runs[0]!.latency.p99;
      const knee = runs.filter((r) => r.latency.p99 <= 3 * calm && r.achievedRate >= 0.95 * r.offeredRate!).at(-1);
      report.note(
        knee
          ? `Knee: about ${knee.offeredRate}/s — the highest offered rate served in full with p99 within 3× of p99 at ` +
              `the lowest rate (${calm.toFixed(2)} ms). Past it, requests queue and p99 grows with every second of overload.`
          : 'No rate stayed within 3× of the lowest rate’s p99: the machine was too busy to find a knee in this run.',
      );
      report.note(
        `The closed loop reports p99 ${closed.latency.p99.toFixed(2)} ms at ${Math.round(most)}/s: it sends only when an answer came, ` +
          'so the server never queues more than 10 requests, however slow it gets (coordinated omission). The open loop ' +
          'keeps arriving like real users and times from when each request was meant to leave.',
      );
      const lagged = runs.filter((r) => (r.sendLag?.p99 ?? 0) > 5);
      if (lagged.length > 0) {
        report.note(
          `At ${lagged.map((r) => `${r.offeredRate}/s`).join(', ')} the load generator itself sent late (send lag p99 > 5 ms): ` +
            'the numbers there include its own queueing on this machine.',
        );
      }
    } finally {
      await http.close();
    }
    return report;
  },
};
