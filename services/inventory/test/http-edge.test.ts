import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInventory } from './helpers.ts';

const json = { 'content-type': 'application/json' };

describe('inventory over REST/JSON', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const inventory = await buildInventory({ env: { HTTP_PORT: '0' } });
    app = inventory.service.http!;
    close = inventory.close;
  });
  afterAll(() => close?.());

  const put = (id: string, body: unknown, headers: Record<string, string> = json) =>
    app.inject({ method: 'PUT', url: `/reservations/${id}`, headers, payload: body as string });
  const stockOf = async (sku: string) => (await app.inject({ url: `/stock?skus=${sku}` })).json().items[0];

  it('reads stock, puts a reservation idempotently and deletes it', async () => {
    const first = await put('h-1', { lines: [{ sku: 'MS-002', quantity: 3 }] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      reservationId: 'h-1',
      items: [{ sku: 'MS-002', name: 'Wireless mouse', available: 37, reserved: 3 }],
    });
    expect((await put('h-1', { lines: [{ sku: 'MS-002', quantity: 3 }] })).json()).toEqual(first.json());
    const deleted = await app.inject({ method: 'DELETE', url: '/reservations/h-1' });
    expect(deleted.json()).toEqual({ reservationId: 'h-1', released: true });
    expect(await stockOf('MS-002')).toMatchObject({ available: 40, reserved: 0 });
  });

  it('echoes the x-request-id it was given', async () => {
    const response = await app.inject({ url: '/stock?skus=KB-001', headers: { 'x-request-id': 'rest-1' } });
    expect(response.headers['x-request-id']).toBe('rest-1');
  });

  it.each([
    ['a zero quantity', { lines: [{ sku: 'KB-001', quantity: 0 }] }, 400, 'validation'],
    ['a negative quantity', { lines: [{ sku: 'KB-001', quantity: -1 }] }, 400, 'validation'],
    ['a huge quantity', { lines: [{ sku: 'KB-001', quantity: 1e9 }] }, 400, 'validation'],
    ['a quantity sent as a string', { lines: [{ sku: 'KB-001', quantity: '1' }] }, 400, 'validation'],
    ['an empty line list', { lines: [] }, 400, 'validation'],
    ['a malformed SKU', { lines: [{ sku: 'kb 1', quantity: 1 }] }, 400, 'validation'],
    ['an unknown field', { lines: [{ sku: 'KB-001', quantity: 1 }], rush: true }, 400, 'validation'],
    ['malformed JSON', '{"lines": [', 400, 'malformed-json'],
    ['a body over 64 KiB', { lines: [{ sku: 'K'.repeat(70_000), quantity: 1 }] }, 413, 'payload-too-large'],
    ['an unknown SKU', { lines: [{ sku: 'NOPE-1', quantity: 1 }] }, 422, 'unknown-sku'],
    ['more than the stock', { lines: [{ sku: 'CH-011', quantity: 6 }] }, 409, 'insufficient-stock'],
  ])('answers %s with a problem and reserves nothing', async (_label, body, status, type) => {
    const response = await put(`bad-${type}`, body);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: `/problems/${type}`, status, detail: expect.any(String) });
    expect(await stockOf('KB-001')).toMatchObject({ available: 25, reserved: 0 });
  });

  it('refuses a malformed Request-Timeout with a validation problem', async () => {
    const response = await put(
      'rt-1',
      { lines: [{ sku: 'KB-001', quantity: 1 }] },
      { ...json, 'request-timeout': 'soon' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/validation', subject: 'request-timeout' });
  });

  it('answers 409 reservation-conflict for a reservation id put again with other lines', async () => {
    await put('dup', { lines: [{ sku: 'MP-009', quantity: 1 }] });
    const response = await put('dup', { lines: [{ sku: 'MP-009', quantity: 2 }] });
    expect(response.json()).toMatchObject({ type: '/problems/reservation-conflict', status: 409 });
  });
});

describe('inventory over REST/JSON explains its problems', () => {
  it.each(['unknown-sku', 'insufficient-stock', 'reservation-released', 'caller-gave-up', 'validation'])(
    'at /problems/%s',
    async (slug) => {
      const { service, close } = await buildInventory({ env: { HTTP_PORT: '0' } });
      const response = await service.http!.inject({ url: `/problems/${slug}` });
      await close();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ type: `/problems/${slug}`, description: expect.any(String) });
    },
  );
});

describe('inventory over REST/JSON when the caller stops waiting', () => {
  it('stops a slow reservation once its Request-Timeout passes, and reserves nothing', async () => {
    const { service, close } = await buildInventory({ env: { HTTP_PORT: '0', RESERVE_DELAY_MS: '5000' } });
    const app = service.http!;
    const response = await app.inject({
      method: 'PUT',
      url: '/reservations/slow-1',
      headers: { ...json, 'request-timeout': '100' },
      payload: { lines: [{ sku: 'KB-001', quantity: 1 }] },
    });
    expect(response.json()).toMatchObject({ type: '/problems/caller-gave-up', status: 503 });
    expect((await app.inject({ url: '/stock?skus=KB-001' })).json().items[0]).toMatchObject({ reserved: 0 });
    await close();
  });
});
