import { credentials } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { loadInventoryProto, stockLevelOf } from '@commlab/contracts';
import { labForThisFile } from '@commlab/lab/testing';

describe('lab 01-tour: one order end to end', () => {
  const lab = labForThisFile('01-tour', {
    connect: (lab) => {
      const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
      return new InventoryService(lab.addr('inventory'), credentials.createInsecure());
    },
  });

  const stockOf = (sku: string) => stockLevelOf(lab.client, sku);

  it('places an order over REST, reserves its stock over gRPC, and reads it back', async () => {
    const before = await stockOf('WC-005');

    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'WC-005', quantity: 2 }] }),
    });
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { id: string; status: string };
    expect(order.status).toBe('confirmed');

    const after = await stockOf('WC-005');
    expect(after).toMatchObject({ available: before.available - 2, reserved: before.reserved + 2 });

    const read = await fetch(`${lab.url('order')}${placed.headers.get('location')}`);
    expect(await read.json()).toEqual(order);
  });

  it('refuses an order for more than the stock with a problem, and reserves nothing', async () => {
    const before = await stockOf('SP-010');
    const refused = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'SP-010', quantity: 99 }] }),
    });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await stockOf('SP-010')).toEqual(before);
  });

  it("tells the notification service of the order through RabbitMQ, in the order's event order", async () => {
    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-tour', lines: [{ sku: 'KB-001', quantity: 1 }] }),
    });
    const { id } = (await placed.json()) as { id: string };
    let types: string[] = [];
    await expect
      .poll(
        async () => {
          const response = await fetch(`${lab.url('notification')}/notifications?orderId=${id}`);
          types = ((await response.json()) as { items: { type: string }[] }).items.map((n) => n.type);
          return types.length;
        },
        { timeout: 10_000 },
      )
      .toBe(2);
    expect(types).toEqual(['commlab.order.placed.v1', 'commlab.order.confirmed.v1']);
  });

  it('reports every service ready', async () => {
    for (const name of ['order', 'notification']) {
      expect((await fetch(`${lab.url(name)}/readyz`)).status).toBe(200);
    }
  });
});
