import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConsoleConfig } from './config.ts';

describe('console configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(ConsoleConfig.properties)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
