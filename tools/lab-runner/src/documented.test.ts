import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commlab/lab/runner';

// Variables every tool reads by convention, documented elsewhere.
const standard = new Set(['NO_COLOR', 'FORCE_COLOR', 'NODE_EXTRA_CA_CERTS']);

describe('the lab runner and the lab package', () => {
  it('list every environment variable they read in the README table', () => {
    const sources = globSync('{tools/lab-runner,packages/lab}/src/**/*.ts', { cwd: repoRoot }).filter(
      (f) => !f.endsWith('.test.ts'),
    );
    const read = new Set(
      sources.flatMap((file) =>
        [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!),
      ),
    );
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const missing = [...read].filter(
      (name) => !standard.has(name) && !new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm').test(readme),
    );
    expect(read.size).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
