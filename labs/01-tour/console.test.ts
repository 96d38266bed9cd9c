import { describe, expect, it } from 'vitest';
import { openBrowser, openConsole } from '@commlab/lab/browser';
import { labForThisFile } from '@commlab/lab/testing';

describe('lab 01-tour: the live console in a real browser', () => {
  const lab = labForThisFile('01-tour', { connect: openBrowser });

  it('draws an order placed on the page going REST → gRPC → RabbitMQ → WebSocket', async () => {
    const { page, errors } = await openConsole(lab.client, lab.url('console'), ['order', 'inventory', 'notification']);
    await page.locator('#push-state[data-state="open"]').waitFor();

    await page.selectOption('#sku', 'MS-002');
    await page.click('#place-order');
    const row = page.locator('#orders tr[data-order]').first();
    await row.waitFor();
    const orderId = (await row.getAttribute('data-order'))!;
    for (const edge of ['REST', 'gRPC', 'broker', 'WebSocket']) {
      await row.locator(`.chip.on[data-edge="${edge}"]`).waitFor();
    }
    await expect.poll(() => row.locator('.status').textContent()).toBe('confirmed');
    const messages = page.locator('#messages li', { hasText: orderId.slice(0, 8) });
    for (const label of ['Reserve OK', 'publish order.confirmed', 'consume order.confirmed', 'push #']) {
      await messages.filter({ hasText: label }).first().waitFor();
    }
    expect(await lab.client.screenshot('01-tour-console')).toMatch(/01-tour-console\.png$/);
    expect(errors).toEqual([]);
  });
});
