import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { problemDetails } from '@commlab/kit';
import { shedLoad } from './load-shedding.ts';
import { orderProblems } from './problems.ts';

/** Keeps the event loop busy, as a flood of requests would. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('load shedding at the order edge', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  async function build(settings: { SHED_EVENT_LOOP_PERCENT?: number; SHED_EVENT_LOOP_DELAY_MS?: number }) {
    const server = Fastify();
    app = server;
    await server.register(problemDetails, { problems: orderProblems, service: 'order' });
    server.get('/readyz', async () => ({ status: 'ready' }));
    await server.register(async (api) => {
      await shedLoad(api, { SHED_EVENT_LOOP_PERCENT: 0, SHED_EVENT_LOOP_DELAY_MS: 0, SHED_SAMPLE_MS: 50, ...settings });
      api.post('/orders', async (_request, reply) => reply.code(201).send({ status: 'confirmed' }));
      api.get('/orders', async () => ({ items: [] }));
    });
    await server.ready();
    return server;
  }

  it('refuses a new order with 503 overloaded, Retry-After and problem+json while the event loop is saturated', async () => {
    const app = await build({ SHED_EVENT_LOOP_PERCENT: 90 });
    busy(150); // more than a whole sample of 50 ms spent working
    await sleep(1); // the sample that was due meanwhile runs first, and sees it

    const shed = await app.inject({ method: 'POST', url: '/orders', payload: {} });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.json()).toMatchObject({ type: '/problems/overloaded', status: 503 });
    expect(shed.json().detail).toMatch(/event loop was \d+ % busy \(limit 90 %\)/);
    // Reads and probes still answer.
    expect((await app.inject({ method: 'GET', url: '/orders' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('sheds on timers running late too, naming the delay and its limit', async () => {
    const app = await build({ SHED_EVENT_LOOP_DELAY_MS: 20 });
    busy(300);
    await sleep(1);
    const shed = await app.inject({ method: 'POST', url: '/orders', payload: {} });
    expect(shed.statusCode).toBe(503);
    expect(shed.json().detail).toMatch(/timers ran (\d+ ms|a whole sample) late \(limit 20 ms\)/);
  });

  it('takes every order when the process is not overloaded, or when shedding is off', async () => {
    for (const settings of [{ SHED_EVENT_LOOP_PERCENT: 90 }, {}]) {
      const app = await build(settings);
      await sleep(120); // an idle sample or two
      expect((await app.inject({ method: 'POST', url: '/orders', payload: {} })).statusCode).toBe(201);
      await app.close();
    }
  });
});
