import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuDuring, cpuTimeMs } from './cpu.ts';

describe.runIf(process.platform === 'linux')('cpuTimeMs', () => {
  it('grows by about the CPU time a busy loop burns', async () => {
    const { cpuMs } = await cpuDuring({ self: process.pid }, async () => {
      const until = performance.now() + 300;
      while (performance.now() < until);
    });
    // Busy for 300 ms of wall time: some CPU (a busy machine may give it little), and no more
    // than every core for the whole time (the process has helper threads too).
    expect(cpuMs.self).toBeGreaterThan(0);
    expect(cpuMs.self).toBeLessThanOrEqual(400 * availableParallelism());
  });

  it('is undefined for a process that does not exist', () => {
    expect(cpuTimeMs(2 ** 30)).toBeUndefined();
  });
});
