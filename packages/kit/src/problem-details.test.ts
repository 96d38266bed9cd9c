import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defineProblems, ProblemError, problemDetails } from './problem-details.ts';

class ShelfError extends Error {
  readonly sku: string;
  constructor(sku: string) {
    super(`no ${sku} on the shelf`);
    this.sku = sku;
  }
}

const problems = defineProblems({
  'out-of-stock': { status: 409, title: 'Out of stock', description: 'Nothing left of that SKU.' },
  'shop-closed': {
    status: 503,
    title: 'Shop closed',
    description: 'Come back later.',
    headers: { 'retry-after': '7' },
  },
  'who-are-you': {
    status: 401,
    title: 'Unauthorized',
    description: 'Send a token.',
    headers: { 'www-authenticate': 'Bearer realm="shop"' },
  },
});

async function shop() {
  const logged: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 1024,
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
  });
  await app.register(problemDetails, {
    problems,
    service: 'shop',
    translate: (error) =>
      error instanceof ShelfError ? problems.problem('out-of-stock', error.message, { subject: error.sku }) : undefined,
  });
  app.get('/shelf/:sku', async (request) => {
    throw new ShelfError((request.params as { sku: string }).sku);
  });
  app.get('/closed', async () => {
    throw problems.problem('shop-closed', 'closed for stocktaking');
  });
  app.get('/closed-briefly', async (_request, reply) => {
    reply.header('retry-after', '1');
    throw problems.problem('shop-closed', 'back in a second');
  });
  app.get('/private', async () => {
    throw problems.problem('who-are-you', 'no token');
  });
  app.get('/typo', async () => {
    throw new ProblemError('out-of-stok', 'a slug nobody listed');
  });
  app.get('/bug', async () => {
    throw new Error('secret internals');
  });
  app.post(
    '/orders',
    {
      schema: {
        body: {
          type: 'object',
          required: ['sku'],
          additionalProperties: false,
          properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        },
        querystring: { type: 'object', properties: { limit: { type: 'integer', maximum: 10 } } },
      },
    },
    async () => ({ ok: true }),
  );
  return { app, logged };
}

describe('problem details for a fastify app', () => {
  it('answers a thrown problem with its type, title, status, detail and instance, as problem+json', async () => {
    const { app } = await shop();
    const response = await app.inject({ url: '/closed?why=1' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: '/problems/shop-closed',
      title: 'Shop closed',
      status: 503,
      detail: 'closed for stocktaking',
      instance: '/closed?why=1',
    });
  });

  it("adds a type's headers (Retry-After, WWW-Authenticate), but never over one the reply set", async () => {
    const { app } = await shop();
    expect((await app.inject({ url: '/closed' })).headers['retry-after']).toBe('7');
    expect((await app.inject({ url: '/closed-briefly' })).headers['retry-after']).toBe('1');
    const unauthorized = await app.inject({ url: '/private' });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer realm="shop"');
  });

  it("answers a service's domain error through its translation, with the extensions after the standard members", async () => {
    const { app } = await shop();
    const response = await app.inject({ url: '/shelf/KB-001' });
    expect(response.statusCode).toBe(409);
    expect(Object.entries(response.json())).toEqual([
      ['type', '/problems/out-of-stock'],
      ['title', 'Out of stock'],
      ['status', 409],
      ['detail', 'no KB-001 on the shelf'],
      ['instance', '/shelf/KB-001'],
      ['subject', 'KB-001'],
    ]);
  });

  it('answers a schema violation with one error per issue, each with a JSON pointer', async () => {
    const { app } = await shop();
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { quantity: 0, colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ type: '/problems/validation', title: 'Invalid request', status: 400 });
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#', detail: 'missing field "sku"' },
        { pointer: '#', detail: 'unknown field "colour"' },
      ]),
    );
    expect(body.detail).toContain('#: missing field "sku"');

    const query = await app.inject({ method: 'POST', url: '/orders?limit=99', payload: { sku: 'A' } });
    expect(query.json().errors).toEqual([{ pointer: '#/querystring/limit', detail: 'must be <= 10' }]);
  });

  it.each([
    ['malformed JSON', '{"sku": ', 'application/json', 400, 'malformed-json'],
    ['an empty JSON body', '', 'application/json', 400, 'malformed-json'],
    ['a body over the limit', JSON.stringify({ sku: 'x'.repeat(2000) }), 'application/json', 413, 'payload-too-large'],
    ['a body of a type nobody parses', '<sku/>', 'application/xml', 415, 'unsupported-media-type'],
  ])('answers %s with a common problem type', async (_label, payload, contentType, status, slug) => {
    const { app } = await shop();
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ type: `/problems/${slug}`, status, detail: expect.any(String) });
  });

  it('answers an unknown route with not-found, naming it', async () => {
    const { app } = await shop();
    const response = await app.inject({ method: 'DELETE', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ type: '/problems/not-found', detail: 'no route for DELETE /nowhere' });
  });

  it('answers an unexpected error with 500, logs it, and keeps its message out of the answer', async () => {
    const { app, logged } = await shop();
    const response = await app.inject({ url: '/bug' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ type: '/problems/internal', detail: 'see the shop service log' });
    expect(response.body).not.toContain('secret');
    expect(logged).toEqual([expect.objectContaining({ msg: 'unhandled error', err: expect.anything() })]);
  });

  it('answers a problem of a type the service never listed as an internal error, and logs the slug', async () => {
    const { app, logged } = await shop();
    const response = await app.inject({ url: '/typo' });
    expect(response.statusCode).toBe(500);
    expect(logged).toEqual([expect.objectContaining({ msg: 'no problem type out-of-stok' })]);
  });

  it("explains each of the service's own and common types at /problems/<slug>, and no other", async () => {
    const { app } = await shop();
    expect((await app.inject({ url: '/problems/shop-closed' })).json()).toEqual({
      type: '/problems/shop-closed',
      status: 503,
      title: 'Shop closed',
      description: 'Come back later.',
    });
    expect((await app.inject({ url: '/problems/validation' })).json()).toMatchObject({ status: 400 });
    for (const slug of ['inventory-timeout', 'toString', '__proto__']) {
      const unknown = await app.inject({ url: `/problems/${slug}` });
      expect(unknown.statusCode, slug).toBe(404);
      expect(unknown.json()).toMatchObject({ type: '/problems/not-found' });
    }
  });

  it('refuses a 401 type without a WWW-Authenticate challenge', () => {
    expect(() => defineProblems({ nope: { status: 401, title: 'Unauthorized', description: 'x' } })).toThrow(
      /www-authenticate/,
    );
  });
});
