import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate-thrift.ts';

const committed = fileURLToPath(new URL('./generated-thrift', import.meta.url));

function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { encoding: 'utf8' }).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('generated Thrift code', () => {
  // Never skipped: without the compiler, generate() installs Debian's thrift-compiler when it
  // may (root with apt-get, as in CI) and otherwise fails saying how to install it.
  it(
    'matches what thrift-compiler generates from protos/ today (run pnpm gen:thrift if not)',
    { timeout: 300_000 },
    () => {
      const fresh = mkdtempSync(join(tmpdir(), 'commlab-gen-thrift-'));
      generate(fresh);
      expect(snapshot(committed)).toEqual(snapshot(fresh));
    },
  );
});
