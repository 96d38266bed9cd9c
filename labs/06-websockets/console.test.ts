import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '@commlab/lab-runner/browser';
import { startLab, type LabUnderTest } from '@commlab/lab-runner/testing';
import { inject, orderEvent } from './push-helpers.ts';

describe('lab 06-websockets: the live console in a real browser', () => {
  let lab: LabUnderTest;
  let browser: TestBrowser;
  beforeAll(async () => {
    lab = await startLab('06-websockets');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it('places an order from the page and shows it crossing REST, gRPC and the WebSocket push', async () => {
    const { page } = browser;
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(lab.url('console'));

    for (const service of ['order', 'inventory', 'notification']) {
      await page.locator(`#services li.up[data-service="${service}"]`).waitFor();
    }
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

    const shot = await browser.screenshot('06-websockets-console');
    expect(shot).toMatch(/test-results\/06-websockets-console\.png$/);
    expect(errors).toEqual([]);
  });

  it('shows a refused order with its problem and the refused REST call', async () => {
    const { page } = browser;
    await page.selectOption('#sku', 'LT-012');
    await page.fill('#quantity', '1');
    await page.click('#place-order');
    await expect.poll(() => page.textContent('#order-result')).toMatch(/^409 Insufficient stock/);
    await page.locator('#messages li', { hasText: 'POST /orders 409' }).first().waitFor();
  });
});
