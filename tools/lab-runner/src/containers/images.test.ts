import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extraCaFile } from './images.ts';

describe('the CA file handed to image builds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commlab-ca-'));
  const ours = join(dir, 'ours.pem');
  const node = join(dir, 'node.pem');
  writeFileSync(ours, 'x');
  writeFileSync(node, 'x');

  it('is COMMLAB_EXTRA_CA, else NODE_EXTRA_CA_CERTS, else none', () => {
    expect(extraCaFile({ COMMLAB_EXTRA_CA: ours, NODE_EXTRA_CA_CERTS: node })).toBe(ours);
    expect(extraCaFile({ NODE_EXTRA_CA_CERTS: node })).toBe(node);
    expect(extraCaFile({})).toBeUndefined();
  });

  it('stops the build naming the variable when its file does not exist', () => {
    expect(() => extraCaFile({ COMMLAB_EXTRA_CA: join(dir, 'missing.pem') })).toThrow(
      `COMMLAB_EXTRA_CA names ${join(dir, 'missing.pem')}, which does not exist`,
    );
    expect(() => extraCaFile({ NODE_EXTRA_CA_CERTS: join(dir, 'gone.pem') })).toThrow(/^NODE_EXTRA_CA_CERTS names/);
  });
});
