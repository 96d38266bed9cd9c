import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineScripts } from '../src/baselines/index.ts';
import { closedLoop } from '../src/closed-loop.ts';
import { grpcInventoryDriver } from '../src/drivers/grpc.ts';
import { httpDriver } from '../src/drivers/http.ts';
import { openLoop } from '../src/open-loop.ts';
import { startServerProcess, type ServerProcess } from '../src/process.ts';

const bounds = { durationMs: 300, warmupMs: 100 };

describe('HTTP driver', () => {
  let h1: ServerProcess;
  let h2: ServerProcess;
  beforeAll(async () => {
    [h1, h2] = await Promise.all([
      startServerProcess(baselineScripts.fastify, { env: { LOG_LEVEL: 'warn' } }),
      startServerProcess(baselineScripts.fastify, { env: { LOG_LEVEL: 'warn', HTTP2: '1' } }),
    ]);
  });
  afterAll(async () => {
    await h1?.stop();
    await h2?.stop();
  });

  it.each(['http1', 'http1-no-keepalive'] as const)('answers every request over %s', async (protocol) => {
    const http = httpDriver(`http://127.0.0.1:${h1.port}`, { protocol, connections: 4 });
    const result = await openLoop(http.send({ path: '/stock?skus=KB-001' }), { rate: 100, ...bounds });
    await http.close();
    expect(result.errors).toEqual({});
    expect(result.ok).toBe(30);
    expect(http.bytesRead).toBeGreaterThan(30 * 20);
  });

  it('multiplexes requests on one HTTP/2 cleartext connection', async () => {
    const http = httpDriver(`http://127.0.0.1:${h2.port}`, { protocol: 'h2c' });
    const result = await closedLoop(http.send({ path: '/hello' }), { concurrency: 20, durationMs: 300 });
    await http.close();
    expect(result.errors).toEqual({});
    expect(result.ok).toBeGreaterThan(0);
  });

  it('counts an unexpected status as an error of that status', async () => {
    const http = httpDriver(`http://127.0.0.1:${h1.port}`);
    const result = await openLoop(http.send({ path: '/no-such-route' }), { rate: 100, durationMs: 100 });
    await http.close();
    expect(result.errors).toEqual({ 'http 404': 10 });
    expect(result.ok).toBe(0);
  });

  it('counts a refused connection by its code', async () => {
    const http = httpDriver('http://127.0.0.1:1');
    const result = await openLoop(http.send({ path: '/' }), { rate: 100, durationMs: 50 });
    await http.close();
    expect(result.errors).toEqual({ ECONNREFUSED: 5 });
  });
});

describe('gRPC driver', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(baselineScripts.grpc);
  });
  afterAll(() => server?.stop());

  it('makes unary calls of the inventory contract', async () => {
    const grpc = grpcInventoryDriver(`127.0.0.1:${server.port}`);
    const stock = await openLoop(grpc.getStock(['KB-001']), { rate: 100, ...bounds });
    const releases = await openLoop(grpc.release(), { rate: 100, ...bounds });
    grpc.close();
    expect([stock.errors, releases.errors]).toEqual([{}, {}]);
    expect([stock.ok, releases.ok]).toEqual([30, 30]);
  });

  it('sends many messages in flight on one stream, matched to their replies, across the per-session limit', async () => {
    const grpc = grpcInventoryDriver(`127.0.0.1:${server.port}`);
    const result = await closedLoop(grpc.sessionRelease(), { concurrency: 50, durationMs: 10_000, maxRequests: 2_500 });
    grpc.close();
    expect(result.errors).toEqual({});
    expect(result.ok).toBe(2_500);
  });

  it('counts a gRPC failure by its status name', async () => {
    const grpc = grpcInventoryDriver(`127.0.0.1:${server.port}`);
    const result = await openLoop(grpc.getStock(['NOPE-000']), { rate: 100, durationMs: 50 });
    grpc.close();
    expect(result.errors).toEqual({ 'grpc NOT_FOUND': 5 });
  });
});
