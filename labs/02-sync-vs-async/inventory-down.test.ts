// lab-test: native-only (stops and restarts inventory)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type LabUnderTest } from '@commlab/lab-runner/testing';
import { labClient } from './lab-client.ts';

// The chapter's point: a synchronous call couples the caller's availability to the callee's;
// an event waits in the broker until its consumer is back.
describe('lab 02-sync-vs-async with inventory stopped', () => {
  let lab: LabUnderTest;
  let client: ReturnType<typeof labClient>;

  beforeAll(async () => {
    lab = await startLab('02-sync-vs-async');
    client = labClient(lab);
  });
  afterAll(async () => {
    client?.close();
    await lab?.stop();
  });

  it('sync checkout answers 503 inventory-unavailable at once and creates nothing', async () => {
    const before = (await client.all('order-sync')).length;
    await lab.stopService('inventory');
    try {
      for (let i = 0; i < 3; i++) {
        const { response, body } = await client.place('order-sync', [{ sku: 'CB-007', quantity: 1 }]);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(body.type).toBe('/problems/inventory-unavailable');
      }
      expect((await client.all('order-sync')).length).toBe(before);
    } finally {
      client.close();
      await lab.startService('inventory');
    }
  });

  it('async checkout accepts every order, and each one completes after inventory returns', async () => {
    await lab.stopService('inventory');
    const accepted: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const { response, body } = await client.place('order-async', [{ sku: 'CB-007', quantity: 1 }], 'while-down');
        expect(response.status).toBe(202);
        accepted.push(body.id);
      }
      // Nobody could answer yet: every accepted order is still pending.
      const whileDown = await Promise.all(accepted.map((id) => client.get('order-async', id)));
      expect(whileDown.map((o) => o.status)).toEqual(accepted.map(() => 'pending'));
    } finally {
      await lab.startService('inventory');
    }

    const settled = await Promise.all(accepted.map((id) => client.settled('order-async', id)));
    expect(settled.filter((o) => o.status === 'confirmed')).toHaveLength(accepted.length);
    expect((await client.stockOf('CB-007')).reserved).toBe(accepted.length);
  });
});
