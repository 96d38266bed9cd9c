import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labClient } from './lab-client.ts';

// The chapter's point: a synchronous call couples the caller's availability to the callee's;
// an event waits in the broker until its consumer is back. The same test natively (processes)
// and in the Compose check (containers stopped, started and frozen with docker/podman).
describe('lab 02-sync-vs-async with inventory stopped', () => {
  const lab = labForThisFile('02-sync-vs-async', { connect: labClient });

  it('sync checkout answers 503 inventory-unavailable at once and creates nothing', async () => {
    const before = (await lab.client.all('order-sync')).length;
    await lab.stopService('inventory');
    try {
      for (let i = 0; i < 3; i++) {
        const { response, body } = await lab.client.place('order-sync', [{ sku: 'CB-007', quantity: 1 }]);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(body.type).toBe('/problems/inventory-unavailable');
      }
      expect((await lab.client.all('order-sync')).length).toBe(before);
    } finally {
      lab.client.close();
      await lab.startService('inventory');
    }
  });

  it('async checkout accepts every order, and each one completes after inventory returns', async () => {
    await lab.stopService('inventory');
    const accepted: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const { response, body } = await lab.client.place(
          'order-async',
          [{ sku: 'CB-007', quantity: 1 }],
          'while-down',
        );
        expect(response.status).toBe(202);
        accepted.push(body.id);
      }
      // Nobody could answer yet: every accepted order is still pending.
      const whileDown = await Promise.all(accepted.map((id) => lab.client.get('order-async', id)));
      expect(whileDown.map((o) => o.status)).toEqual(accepted.map(() => 'pending'));
    } finally {
      await lab.startService('inventory');
    }

    const settled = await Promise.all(accepted.map((id) => lab.client.settled('order-async', id)));
    expect(settled.filter((o) => o.status === 'confirmed')).toHaveLength(accepted.length);
    expect((await lab.client.stockOf('CB-007')).reserved).toBe(accepted.length);
  });

  it('with inventory frozen, sync checkout answers 504 after its deadline while async accepts, and completes after the thaw', async () => {
    // Connected first (after the restarts above its channel may still be backing off, which
    // answers 503 at once): the call then goes out and waits on a peer that never answers.
    await expect
      .poll(async () => (await lab.client.place('order-sync', [{ sku: 'KB-001', quantity: 1 }])).response.status, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(201);
    await lab.pauseService('inventory');
    let pending: string;
    try {
      const sync = await lab.client.place('order-sync', [{ sku: 'HD-004', quantity: 1 }]);
      expect(sync.response.status).toBe(504);
      expect(sync.body.type).toBe('/problems/inventory-timeout');
      const async = await lab.client.place('order-async', [{ sku: 'HD-004', quantity: 1 }], 'while-frozen');
      expect(async.response.status).toBe(202);
      pending = async.body.id;
      expect((await lab.client.get('order-async', pending)).status).toBe('pending');
    } finally {
      await lab.resumeService('inventory');
    }
    expect((await lab.client.settled('order-async', pending)).status).toBe('confirmed');
  });
});
