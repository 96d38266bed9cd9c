import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openFaultDials } from './fault-dials.ts';
import { dialEdge, readDials, writeDials } from './flag-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'commlab-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { info: () => {}, warn: () => {} };

describe('fault dials in a flagd flag file, read through OpenFeature', () => {
  it('keeps the other edges when one is dialled or cleared', () => {
    const file = join(dir, 'edges.json');
    dialEdge(file, 'order-inventory', { latencyMs: 800 });
    dialEdge(file, 'client-order', { errorRate: 0.5, status: '503' });
    dialEdge(file, 'order-inventory', undefined);
    expect(readDials(file)).toEqual({ 'client-order': { errorRate: 0.5, status: '503' } });
  });

  it('starts with no dials when the file does not exist yet, and sees a dial turned later', async () => {
    const file = join(dir, 'later.json');
    const dials = await openFaultDials(file, quiet);
    try {
      expect(await dials.dial('order-inventory')).toBeUndefined();
      writeDials(file, { 'order-inventory': { latencyMs: 5000 } });
      let dial;
      for (let i = 0; i < 100 && !dial; i++) {
        await sleep(50);
        dial = await dials.dial('order-inventory');
      }
      expect(dial).toEqual({ latencyMs: 5000 });
      expect(await dials.dial('order-payments')).toBeUndefined();
    } finally {
      await dials.close();
    }
  });
});
