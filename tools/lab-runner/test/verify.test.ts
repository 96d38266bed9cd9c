import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdict } from '../src/commands/verify.ts';
import { type Lab, loadLab, nativeInfra } from '@commlab/lab/runner';
import { startLab, type LabUnderTest } from '@commlab/lab/testing';
import { verifyLab } from '../src/verify/verify-lab.ts';

describe('pnpm lab verify against a real lab 01', () => {
  let spec: Lab;
  let lab: LabUnderTest;

  beforeAll(async () => {
    spec = await loadLab('01-tour');
    lab = await startLab('01-tour');
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('passes every check of a running lab, the order flow and its notification included, and exits 0', async () => {
    const outcomes = await verifyLab(spec, lab, nativeInfra());

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const lines = outcomes.map((o) => o.text);
    expect(lines).toContainEqual(expect.stringMatching(/^RabbitMQ answers on /));
    for (const name of ['inventory', 'order', 'notification', 'console']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${name} is ready`)));
    }
    expect(lines).toContainEqual('order places an order over REST and reads it back (confirmed)');
    expect(lines).toContainEqual(expect.stringMatching(/^notification received the order's events over rabbitmq/));
    expect(verdict('01-tour', outcomes)).toBe(0);
  });

  it('names a stopped service with how to start it, and exits 1', async () => {
    await lab.stopService('notification');

    const outcomes = await verifyLab(spec, lab, nativeInfra());

    const failed = outcomes.filter((o) => !o.ok);
    expect(failed[0]).toEqual({
      ok: false,
      text: `notification is not running: nothing listens on ${lab.addr('notification')}`,
      hint: expect.stringContaining('pnpm lab up 01-tour'),
    });
    expect(outcomes.find((o) => o.text.startsWith('order is ready'))?.ok).toBe(true);
    expect(verdict('01-tour', outcomes)).toBe(1);
  });
});
