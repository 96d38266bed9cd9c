import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labApi } from './api-client.ts';

// Chapter 3 against the running lab (order with no event bus, real inventory); every response
// is checked against /openapi.json by labApi. The guide shows the same behaviours by hand.
describe('lab 03-rest: a REST API clients can rely on', () => {
  const lab = labForThisFile('03-rest', { connect: labApi });

  const customer = () => `lab03-${randomUUID().slice(0, 8)}`;
  const placeV2 = (sku: string, quantity: number, customerId = customer(), headers: Record<string, string> = {}) =>
    lab.client.call('POST', '/v2/orders', {
      headers,
      body: { customer: { id: customerId }, lines: [{ sku, quantity }] },
    });

  it('places an order once however often it is retried with one Idempotency-Key', async () => {
    const key = randomUUID();
    const before = await lab.client.stockOf('MN-003');
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await placeV2('MN-003', 2, 'lab03-retry', { 'idempotency-key': key }));
    expect(attempts.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(attempts.map((a) => a.text)).size).toBe(1);
    expect(attempts.map((a) => a.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    expect((await lab.client.stockOf('MN-003')).reserved).toBe(before.reserved + 2);
  });

  it('cancels only the version the client read, and releases the stock without an event bus', async () => {
    const placed = await placeV2('LS-008', 4);
    const { id } = placed.json();
    const held = await lab.client.stockOf('LS-008');
    const url = `/v2/orders/${id}`;
    const patch = (headers: Record<string, string>) =>
      lab.client.call('PATCH', url, {
        headers: { 'content-type': 'application/merge-patch+json', ...headers },
        body: { status: 'cancelled' },
      });

    expect((await patch({})).status).toBe(428);
    expect((await patch({ 'if-match': '"v2"' })).status).toBe(412);
    expect((await patch({ 'if-match': 'v1' })).status).toBe(400);
    expect((await lab.client.stockOf('LS-008')).reserved).toBe(held.reserved);

    const read = await lab.client.call('GET', url);
    const cancelled = await patch({ 'if-match': read.headers.get('etag')! });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', version: 2 });
    expect((await lab.client.stockOf('LS-008')).reserved).toBe(held.reserved - 4);
    expect(
      (await lab.client.call('GET', url, { headers: { 'if-none-match': read.headers.get('etag')! } })).status,
    ).toBe(200);
    expect((await lab.client.call('GET', url, { headers: { 'if-none-match': '"v2"' } })).status).toBe(304);
  });

  it('pages a filtered list with Link headers, each order once, in the order placed', async () => {
    const customerId = customer();
    const ids: string[] = [];
    for (const sku of ['KB-001', 'MS-002', 'WC-005', 'MP-009', 'CB-007'])
      ids.push((await placeV2(sku, 1, customerId)).json().id);
    await lab.client.call('POST', `/orders/${ids[1]}/cancel`);

    for (const [version, status, expected] of [
      ['/v2/orders', 'confirmed', [ids[0], ids[2], ids[3], ids[4]]],
      ['/orders', 'cancelled', [ids[1]]],
    ] as const) {
      const seen: string[] = [];
      let next: string | undefined = `${version}?limit=2&customerId=${customerId}&status=${status}`;
      while (next) {
        const page = await lab.client.call('GET', next);
        seen.push(...page.json().items.map((o: { id: string }) => o.id));
        expect(lab.client.links(page).first).toBe(`${version}?limit=2&status=${status}&customerId=${customerId}`);
        next = lab.client.links(page).next;
      }
      expect(seen).toEqual(expected);
    }
  });

  it('answers v1 with Deprecation, Sunset and its successor, and v2 without them', async () => {
    const { id } = (await placeV2('DK-006', 1)).json();
    const v1 = await lab.client.call('GET', `/orders/${id}`);
    expect(v1.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(new Date(v1.headers.get('sunset')!).getTime()).toBeGreaterThan(
      Number(v1.headers.get('deprecation')!.slice(1)) * 1000,
    );
    expect(lab.client.links(v1)['successor-version']).toBe(`/v2/orders/${id}`);
    expect(v1.json()).not.toHaveProperty('version');
    const v2 = await lab.client.call('GET', `/v2/orders/${id}`);
    expect(v2.headers.get('deprecation')).toBeNull();
    expect(v2.json()).toMatchObject({ id, version: 1, customer: { id: v1.json().customerId } });
  });

  it.each([
    ['an unknown status filter', 'GET', '/v2/orders?status=shipped', {}, 400, 'validation'],
    ['a cursor it never handed out', 'GET', '/v2/orders?cursor=bm9wZQ', {}, 400, 'invalid-cursor'],
    ['an empty Idempotency-Key', 'POST', '/v2/orders', { 'idempotency-key': '' }, 400, 'validation'],
    [
      'an If-Match that is no entity tag',
      'POST',
      `/orders/${randomUUID()}/cancel`,
      { 'if-match': 'v1' },
      400,
      'validation',
    ],
    [
      'a merge patch setting another status',
      'PATCH',
      `/v2/orders/${randomUUID()}`,
      { 'if-match': '"v1"' },
      400,
      'validation',
    ],
  ])('refuses %s with a problem, changing nothing', async (_label, method, path, headers, status, type) => {
    const before = (await lab.client.call('GET', '/v2/orders?limit=100')).text;
    const body =
      method === 'PATCH'
        ? { status: 'confirmed' }
        : method === 'POST' && path === '/v2/orders'
          ? { customer: { id: 'lab03-bad' }, lines: [{ sku: 'KB-001', quantity: 1 }] }
          : undefined;
    const response = await lab.client.call(method, path, { headers, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: `/problems/${type}`, status });
    expect((await lab.client.call('GET', '/v2/orders?limit=100')).text).toBe(before);
  });
});
