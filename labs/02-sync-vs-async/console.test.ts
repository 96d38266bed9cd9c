import { describe, expect, it } from 'vitest';
import { openBrowser, openConsole } from '@commlab/lab/browser';
import { labForThisFile } from '@commlab/lab/testing';

describe('lab 02-sync-vs-async: the live console in a real browser', () => {
  const lab = labForThisFile('02-sync-vs-async', { connect: openBrowser });

  it('shows both checkouts, and draws an async order crossing the broker to inventory and back', async () => {
    const services = ['order-sync', 'order-async', 'inventory', 'notification'];
    const { page, errors } = await openConsole(lab.client, lab.url('console'), services);

    const placed = await fetch(`${lab.url('order-async')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-1', lines: [{ sku: 'MS-002', quantity: 1 }] }),
    });
    expect(placed.status).toBe(202);
    const { id } = (await placed.json()) as { id: string };
    const messages = page.locator('#messages li', { hasText: id.slice(0, 8) });
    for (const [edge, label] of [
      ['order-async → rabbitmq', 'publish order.placed'],
      ['rabbitmq → inventory', 'consume order.placed'],
      ['inventory → rabbitmq', 'publish inventory.stock-reserved'],
      ['rabbitmq → order-async', 'consume inventory.stock-reserved'],
      ['rabbitmq → notification', 'consume order.confirmed'],
    ]) {
      await messages.filter({ hasText: edge }).filter({ hasText: label }).first().waitFor();
    }
    for (const edge of ['order→broker', 'inventory→broker', 'broker→notification']) {
      await page.locator(`.edge.used[data-edge~="${edge}"]`).waitFor();
    }
    expect(await lab.client.screenshot('02-sync-vs-async-console')).toMatch(/02-sync-vs-async-console\.png$/);
    expect(errors).toEqual([]);
  });
});
