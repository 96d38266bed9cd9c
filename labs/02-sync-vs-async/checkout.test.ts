import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labClient } from './lab-client.ts';

describe('lab 02-sync-vs-async: the same checkout, synchronously and by events', () => {
  const lab = labForThisFile('02-sync-vs-async', { connect: labClient });

  it('sync checkout answers 201 confirmed, with the stock already reserved', async () => {
    const before = await lab.client.stockOf('WC-005');
    const { response, body } = await lab.client.place('order-sync', [{ sku: 'WC-005', quantity: 2 }]);
    expect(response.status).toBe(201);
    expect(body.status).toBe('confirmed');
    expect((await lab.client.stockOf('WC-005')).reserved).toBe(before.reserved + 2);
  });

  it('async checkout answers 202 pending with a Location, and the order is confirmed once inventory answered', async () => {
    const before = await lab.client.stockOf('MS-002');
    const { response, body } = await lab.client.place('order-async', [{ sku: 'MS-002', quantity: 3 }]);
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/orders/${body.id}`);
    expect(body.status).toBe('pending');

    expect((await lab.client.settled('order-async', body.id)).status).toBe('confirmed');
    expect((await lab.client.stockOf('MS-002')).reserved).toBe(before.reserved + 3);
  });

  it("async checkout rejects an order inventory cannot fill later, with inventory's reason", async () => {
    const { response, body } = await lab.client.place('order-async', [{ sku: 'CH-011', quantity: 6 }]);
    expect(response.status).toBe(202);
    expect((await lab.client.settled('order-async', body.id)).status).toBe('rejected');
    const [rejected] = await lab.client
      .notificationsUntil(`orderId=${body.id}`, (items) => items.some((n) => n.status === 'rejected'))
      .then((items) => items.filter((n) => n.status === 'rejected'));
    expect(rejected!.data.reason).toEqual({ code: 'INSUFFICIENT_STOCK', detail: expect.stringContaining('CH-011') });
  });

  it('tells notification about every order event once, in the order they happened', async () => {
    const { body } = await lab.client.place('order-async', [{ sku: 'KB-001', quantity: 1 }], 'customer-seq');
    await lab.client.settled('order-async', body.id);
    const items = await lab.client.notificationsUntil('customerId=customer-seq', (all) => all.length >= 2);
    expect(items.map((n) => n.type)).toEqual(['commlab.order.placed.v1', 'commlab.order.confirmed.v1']);
    expect(items[1]!.seq).toBeGreaterThan(items[0]!.seq);
  });

  it('cancelling an order releases its stock in inventory and notifies the customer', async () => {
    const { body } = await lab.client.place('order-async', [{ sku: 'LS-008', quantity: 4 }], 'customer-cancel');
    await lab.client.settled('order-async', body.id);
    const held = await lab.client.stockOf('LS-008');

    const cancel = await fetch(`${lab.url('order-async')}/orders/${body.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { status: string }).status).toBe('cancelled');
    await lab.client.notificationsUntil(`orderId=${body.id}`, (items) => items.some((n) => n.status === 'cancelled'));
    await expect
      .poll(async () => (await lab.client.stockOf('LS-008')).reserved, { timeout: 20_000 })
      .toBe(held.reserved - 4);
  });

  it('refuses to cancel a rejected order with 409, and an unknown one with 404', async () => {
    const { body } = await lab.client.place('order-async', [{ sku: 'NOPE-1', quantity: 1 }]);
    expect((await lab.client.settled('order-async', body.id)).status).toBe('rejected');
    const refused = await fetch(`${lab.url('order-async')}/orders/${body.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ type: '/problems/order-not-cancellable' });
    const unknown = await fetch(`${lab.url('order-async')}/orders/00000000-0000-4000-8000-000000000000/cancel`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['a negative position', 'after=-1'],
    ['a zero limit', 'limit=0'],
    ['an unknown parameter', 'colour=red'],
  ])('answers %s in the notification query with a 400 problem', async (_label, query) => {
    const response = await fetch(`${lab.url('notification')}/notifications?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ type: '/problems/validation', status: 400 });
  });

  it('reports each service ready, broker included', async () => {
    for (const name of ['order-sync', 'order-async', 'notification']) {
      const ready = (await (await fetch(`${lab.url(name)}/readyz`)).json()) as { checks: { name: string }[] };
      expect(ready.checks.map((c) => c.name)).toContain('event bus');
    }
  });
});
