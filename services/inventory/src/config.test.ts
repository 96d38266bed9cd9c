import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InventoryConfig } from './config.ts';

describe('inventory configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(InventoryConfig.properties))
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` +\\|`));
  });
});
