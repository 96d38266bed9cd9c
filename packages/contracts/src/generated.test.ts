import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate.ts';

const committed = fileURLToPath(new URL('./generated', import.meta.url));

function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return Object.fromEntries(files.sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('generated proto types', () => {
  it('match what the generator produces from protos/ today (run pnpm gen:proto if not)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'commlab-gen-'));
    generate(fresh);
    expect(snapshot(committed)).toEqual(snapshot(fresh));
  });
});
