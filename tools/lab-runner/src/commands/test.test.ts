import { describe, expect, it } from 'vitest';
import { test } from './test.ts';

describe('pnpm lab test', () => {
  it('refuses an option it does not know, before running anything', async () => {
    expect(await test(['--natve-only'])).toBe(2);
  });
});
