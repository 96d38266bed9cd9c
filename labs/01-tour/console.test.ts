import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '@commlab/lab-runner/browser';
import { startLab, type LabUnderTest } from '@commlab/lab-runner/testing';

describe('lab 01-tour: the live console in a real browser', () => {
  let lab: LabUnderTest;
  let browser: TestBrowser;
  beforeAll(async () => {
    lab = await startLab('01-tour');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it('lists the running services and draws an order placed on the page crossing REST and gRPC', async () => {
    const { page } = browser;
    await page.goto(lab.url('console'));
    for (const service of ['order', 'inventory', 'notification']) {
      await page.locator(`#services li.up[data-service="${service}"]`).waitFor();
    }
    await page.selectOption('#sku', 'MS-002');
    await page.click('#place-order');
    const row = page.locator('#orders tr[data-order]').first();
    await row.locator('.chip.on[data-edge="REST"]').waitFor();
    await row.locator('.chip.on[data-edge="gRPC"]').waitFor();
    await expect.poll(() => row.locator('.status').textContent()).toBe('confirmed');
    await page.locator('#messages li', { hasText: 'Reserve OK' }).first().waitFor();
    expect(await browser.screenshot('01-tour-console')).toMatch(/01-tour-console\.png$/);
  });
});
