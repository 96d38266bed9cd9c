import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from './chromium.ts';
import { repoRoot } from '../paths.ts';

/** Where browser tests leave screenshots (ignored by git, kept as CI artifacts). */
export const testResultsDir = join(repoRoot, 'test-results');

export interface TestBrowser {
  page: Page;
  /** Saves a full-page screenshot under test-results/ and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Real headless Chromium (Debian's, see chromium.ts) with a fresh profile, quiet: no
 * first-run, sync, component updates or background traffic, so tests talk only to the lab.
 */
export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'commlab-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Shorter than a test's timeout, so a wait that fails names what it waited for.
  page.setDefaultTimeout(15_000);
  return {
    page,
    async screenshot(name) {
      mkdirSync(testResultsDir, { recursive: true });
      const path = join(testResultsDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The lab console (services/console) in the browser, once each of `services` shows as up;
 * errors the page throws are collected, so a test can end with `expect(errors).toEqual([])`.
 */
export async function openConsole(
  browser: TestBrowser,
  url: string,
  services: readonly string[],
): Promise<{ page: Page; errors: string[] }> {
  const { page } = browser;
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  for (const service of services) await page.locator(`#services li.up[data-service="${service}"]`).waitFor();
  return { page, errors };
}
