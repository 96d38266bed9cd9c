import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineScripts } from '../src/baselines/index.ts';
import { autocannonRun, httpDriver } from '../src/drivers/http.ts';
import { openLoop } from '../src/open-loop.ts';
import { startServerProcess, type ServerProcess } from '../src/process.ts';

// The reason the harness exists: a server that stalls for a second. An open loop keeps sending
// on schedule, so every request that arrived during the stall waited a second, and p99 says
// so. A closed loop stops sending while its connections wait, so the stall costs it one slow
// request per connection and its p99 stays low: coordinated omission.
describe('a server told to stall for 1 s', () => {
  let server: ServerProcess;
  let origin: string;
  beforeAll(async () => {
    server = await startServerProcess(baselineScripts.fastify, { env: { LOG_LEVEL: 'warn' } });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server?.stop());

  const stallAfter = (ms: number) =>
    setTimeout(() => void fetch(`${origin}/stall?ms=1000&for=1000`, { method: 'POST' }), ms);

  it('shows up as at least 1 s at p99 in the open loop', async () => {
    const http = httpDriver(origin, { connections: 50 });
    const warmupMs = 500;
    const timer = stallAfter(warmupMs + 1_000);
    const result = await openLoop(http.send({ path: '/hello' }), { rate: 200, durationMs: 3_000, warmupMs });
    clearTimeout(timer);
    await http.close();
    expect(result.errors).toEqual({});
    expect(result.latency.p99).toBeGreaterThanOrEqual(1_000);
    expect(result.latency.p50).toBeLessThan(1_000);
  });

  it('hides in the percentiles of a closed loop, which stops sending while it waits', async () => {
    const timer = stallAfter(1_000);
    const result = await autocannonRun({ url: `${origin}/hello`, connections: 2, durationMs: 4_000 });
    clearTimeout(timer);
    expect(result.latency.max).toBeGreaterThanOrEqual(1_000);
    expect(result.latency.p99).toBeLessThan(1_000);
    expect(result.ok).toBeGreaterThan(400);
  });
});
