import { describe, expect, it } from 'vitest';
import { openBrowser, openConsole } from '@commlab/lab/browser';
import { labForThisFile } from '@commlab/lab/testing';
import { inject, orderEvent } from './push-helpers.ts';

describe('lab 06-websockets: the live console in a real browser', () => {
  const lab = labForThisFile('06-websockets', { connect: openBrowser });

  it('places an order from the page and shows it crossing REST, gRPC and the WebSocket push', async () => {
    const { page, errors } = await openConsole(lab.client, lab.url('console'), ['order', 'inventory', 'notification']);
    await page.locator('#push-state[data-state="open"]').waitFor();

    await page.fill('#customer', 'reader-1');
    await page.selectOption('#sku', 'WC-005');
    await page.fill('#quantity', '2');
    await page.click('#place-order');
    const row = page.locator('#orders tr[data-order]').first();
    await row.waitFor();
    const orderId = (await row.getAttribute('data-order'))!;
    await row.locator('.chip.on[data-edge="REST"]').waitFor();
    await row.locator('.chip.on[data-edge="gRPC"]').waitFor();
    expect(await page.textContent('#order-result')).toMatch(/confirmed/);

    // This lab has no broker: an order event is appended by hand, as the broker would. Its
    // status (cancelled) is one the REST answer never showed, so the row changes only by push.
    await inject(lab.url('notification'), [orderEvent('reader-1', orderId, 'cancelled')]);
    await row.locator('.chip.on[data-edge="WebSocket"]').waitFor();
    await expect.poll(() => row.locator('.status').textContent()).toBe('cancelled');
    await page.locator('#messages li', { hasText: 'push #' }).first().waitFor();

    const shot = await lab.client.screenshot('06-websockets-console');
    expect(shot).toMatch(/test-results\/06-websockets-console\.png$/);
    expect(errors).toEqual([]);
  });

  it('shows a refused order with its problem and the refused REST call', async () => {
    const { page } = lab.client;
    await page.selectOption('#sku', 'LT-012');
    await page.fill('#quantity', '1');
    await page.click('#place-order');
    await expect.poll(() => page.textContent('#order-result')).toMatch(/^409 Insufficient stock/);
    await page.locator('#messages li', { hasText: 'POST /orders 409' }).first().waitFor();
  });
});
