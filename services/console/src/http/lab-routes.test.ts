import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig, undocumentedProblems } from '@commlab/kit';
import { ConsoleConfig } from '../config.ts';
import { buildService } from '../service.ts';
import { consoleProblems } from './lab-routes.ts';

/** The console as main.ts builds it, in process (app.inject, no port). */
const app = async (orderUrl: string | undefined, env: Record<string, string> = {}) => {
  const config = loadConfig(ConsoleConfig, { LAB_ID: 'test', ...(orderUrl && { ORDER_URL: orderUrl }), ...env });
  const service = await buildService(config, {
    logger: createLogger({ name: 'console', level: 'silent', format: 'json' }),
  });
  return service.app;
};

describe('the console placing orders for its page', () => {
  it('answers 503 no-order-service when the lab runs no order service', async () => {
    const response = await (await app(undefined)).inject({ method: 'POST', url: '/api/orders', payload: {} });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/no-order-service', status: 503 });
  });

  it('answers 502 order-unreachable, naming the address, when the order service does not answer', async () => {
    const response = await (
      await app('http://127.0.0.1:9')
    ).inject({ method: 'POST', url: '/api/orders', payload: {} });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({
      type: '/problems/order-unreachable',
      detail: /^http:\/\/127\.0\.0\.1:9: /,
    });
  });

  it('refuses a push token for a malformed customer id with a validation problem', async () => {
    const response = await (await app(undefined)).inject({ url: '/api/push-token?customer=no%20spaces' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      type: '/problems/validation',
      errors: [{ pointer: '#/querystring/customer' }],
    });
  });

  it("answers 503 no-trace-backend for an order's trace when the lab sends its traces nowhere", async () => {
    const service = await app(undefined);
    expect((await service.inject({ url: '/api/lab' })).json()).toMatchObject({ traces: false });
    const response = await service.inject({ url: '/api/orders/8d1c2f3a/trace' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ type: '/problems/no-trace-backend' });
  });

  it('answers 502 zipkin-unreachable, naming the address, when Zipkin does not answer', async () => {
    const service = await app(undefined, { ZIPKIN_URL: 'http://127.0.0.1:9' });
    expect((await service.inject({ url: '/api/lab' })).json()).toMatchObject({ traces: true });
    const response = await service.inject({ url: '/api/orders/8d1c2f3a/trace' });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({
      type: '/problems/zipkin-unreachable',
      detail: /^http:\/\/127\.0\.0\.1:9: /,
    });
  });

  it('refuses an order id that is none with a validation problem, before asking Zipkin', async () => {
    const response = await (
      await app(undefined, { ZIPKIN_URL: 'http://127.0.0.1:9' })
    ).inject({ url: '/api/orders/x%20or%201=1/trace' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/validation', errors: [{ pointer: '#/params/id' }] });
  });

  it('documents each of its problem types in docs/contracts.md', () => {
    const contracts = readFileSync(new URL('../../../../docs/contracts.md', import.meta.url), 'utf8');
    expect(undocumentedProblems(consoleProblems.types, contracts)).toEqual([]);
  });
});
