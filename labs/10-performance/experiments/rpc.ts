import { closedLoop, Report, type Experiment, type Send } from '@commlab/bench';
import { grpcInventoryDriver } from '@commlab/bench/drivers/grpc';
import { httpDriver } from '@commlab/bench/drivers/http';
import { thriftInventoryDriver } from '@commlab/bench/drivers/thrift';
import { formatUs, startBareFastify, startBareGrpc, withCpu } from './support.ts';

/** Experiment 6: REST against gRPC against Thrift for the same call; a gRPC stream against repeated unary calls. */
export const rpc: Experiment = {
  name: 'rpc',
  title: '6. REST, gRPC and Thrift for the same call; a stream against repeated unary calls',
  question: 'Which transport answers a small call fastest, and how much does a stream save over one call per message?',
  async run(context) {
    const report = new Report('rpc', this.title, { question: this.question, short: context.short });
    const [bareHttp, bareGrpc] = await Promise.all([
      startBareFastify(context, { LOG_LEVEL: 'warn' }, 'bare-rest'),
      startBareGrpc(context),
    ]);
    const rest = httpDriver(context.url('inventory', 'rest'), { connections: 10 });
    const grpc = grpcInventoryDriver(context.addr('inventory'));
    const thrift = thriftInventoryDriver(context.addr('inventory', 'thrift'));
    const restBare = httpDriver(`http://127.0.0.1:${bareHttp.port}`, { connections: 10 });
    const grpcBare = grpcInventoryDriver(`127.0.0.1:${bareGrpc.port}`);
    const warmupMs = context.short ? 100 : 1_000;
    const durationMs = context.short ? 400 : 4_000;
    const cpu: (string | number)[][] = [];
    const run = async (name: string, send: Send, concurrency: number, pid: number | undefined, baseline?: string) => {
      context.progress(`${name}: closed loop, ${concurrency} in flight`);
      await closedLoop(send, { concurrency, durationMs: warmupMs });
      const { result, cpuPerRequestUs } = await withCpu(pid, () => closedLoop(send, { concurrency, durationMs }));
      cpu.push([name, formatUs(cpuPerRequestUs)]);
      return report.add(name, result, baseline ? { baseline } : {});
    };
    const inventoryPid = context.pid('inventory');
    try {
      // One small call: the stock of one SKU, from the same inventory ledger over each edge.
      await run('bare fastify GET /stock', restBare.send({ path: '/stock?skus=KB-001' }), 10, bareHttp.child.pid);
      await run('bare grpc-js GetStock', grpcBare.getStock(['KB-001']), 10, bareGrpc.child.pid);
      await run(
        'inventory REST GET /stock',
        rest.send({ path: '/stock?skus=KB-001' }),
        10,
        inventoryPid,
        'bare fastify GET /stock',
      );
      await run('inventory gRPC GetStock', grpc.getStock(['KB-001']), 10, inventoryPid, 'bare grpc-js GetStock');
      await run('inventory Thrift getStock', thrift.getStock(['KB-001']), 10, inventoryPid);
      report.ratio('gRPC unary / REST, req/s (inventory)', 'inventory gRPC GetStock', 'inventory REST GET /stock', {
        atLeast: 1.0,
      });
      report.ratio('Thrift / REST, req/s (inventory)', 'inventory Thrift getStock', 'inventory REST GET /stock');
      report.ratio('inventory gRPC / bare grpc-js, req/s', 'inventory gRPC GetStock', 'bare grpc-js GetStock');
      report.ratio('inventory REST / bare fastify, req/s', 'inventory REST GET /stock', 'bare fastify GET /stock');

      // Many small messages: Release calls one at a time, 100 at a time, and as messages on a stream.
      await run('unary Release, one at a time', grpc.release('bench-unary1'), 1, inventoryPid);
      await run('unary Release, 100 in flight', grpc.release('bench-unary100'), 100, inventoryPid);
      await run('ReserveSession stream, 100 in flight', grpc.sessionRelease('bench-stream'), 100, inventoryPid);
      report.table({
        title: 'Server CPU per call or message (its whole process)',
        columns: ['run', 'CPU per call'],
        rows: cpu,
      });
      report.ratio(
        'stream / repeated unary (one at a time), msgs/s',
        'ReserveSession stream, 100 in flight',
        'unary Release, one at a time',
        {
          atLeast: 10,
        },
      );
      report.ratio(
        'stream / unary (both 100 in flight), msgs/s',
        'ReserveSession stream, 100 in flight',
        'unary Release, 100 in flight',
      );
      report.note(
        'For one small call, gRPC in Node costs the server several times the CPU of an HTTP/1.1 request (see the ' +
          "CPU table): every call opens an HTTP/2 stream in Node's http2 module (headers, DATA, trailers through " +
          'nghttp2), where HTTP/1.1 keep-alive reuses a parsed connection. gRPC earns its place with contracts, ' +
          'deadlines, streaming and cross-language clients, not with per-call speed in Node.',
      );
      report.note(
        'A unary call is an HTTP/2 stream of its own: headers, the message, trailers, and a round trip each. On a ' +
          'stream, each further message is one length-prefixed frame. Most of the gain over one-at-a-time calls is ' +
          'not waiting for each answer (pipelining); the rest is the per-call overhead, the "100 in flight" ratio.',
      );
    } finally {
      await rest.close();
      await restBare.close();
      grpc.close();
      grpcBare.close();
      thrift.close();
      await bareHttp.stop();
      await bareGrpc.stop();
    }
    return report;
  },
};
