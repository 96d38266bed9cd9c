import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fault } from './fault.ts';

describe('pnpm lab fault', () => {
  let file: string;
  let errors: string[];
  const before = '{"flags":{}}\n';

  beforeEach(() => {
    // Its own flag file, as each lab 11 test file has: no running lab's dials are touched.
    file = join(mkdtempSync(join(tmpdir(), 'commlab-fault-command-')), 'flags.json');
    writeFileSync(file, before);
    vi.stubEnv('COMMLAB_FAULTS_FILE', file);
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('refuses an unknown edge with exit code 2, naming it and the edges the lab has, and changes nothing', async () => {
    expect(await fault(['11', 'order-payments', 'latency=1s'])).toBe(2);
    expect(errors.join('\n')).toContain(
      'unknown edge "order-payments" in lab 11-fault-tolerance; its edges: order-inventory, order-fallback-inventory',
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a dial it cannot use with exit code 2, naming the value, and changes nothing', async () => {
    expect(await fault(['11', 'order-inventory', 'errors=150%'])).toBe(2);
    expect(errors.join('\n')).toContain(
      'order-inventory: errors: "150%" is not a rate between 0% and 100%; nothing changed',
    );
    expect(await fault(['11', 'order-inventory', 'latency=-5ms'])).toBe(2);
    expect(errors.join('\n')).toContain('latency: "-5ms" is not a duration');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a lab without fault dials', async () => {
    expect(await fault(['01', 'order-inventory', 'latency=1s'])).toBe(2);
    expect(errors.join('\n')).toContain('lab 01-tour has no fault dials');
  });
});
