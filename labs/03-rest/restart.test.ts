import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labApi } from './api-client.ts';

describe('lab 03-rest: idempotency keys across a restart', () => {
  const lab = labForThisFile('03-rest', { connect: labApi });

  // Restarted gracefully (SIGTERM), or killed with no chance to clean up (SIGKILL, as a crash or
  // the OOM killer): the key was stored with the order in one transaction, so it is there.
  it.each([
    ['restarted', () => lab.restartService('order')],
    [
      'was killed and started again',
      async () => {
        await lab.killService('order');
        await lab.startService('order');
      },
    ],
  ])('answers a retry after the order service %s with the first answer, reserving nothing more', async (_, bounce) => {
    const key = randomUUID();
    const body = { customer: { id: 'lab03-restart' }, lines: [{ sku: 'HD-004', quantity: 1 }] };
    const first = await lab.client.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    const held = await lab.client.stockOf('HD-004');

    await bounce();
    const retry = await lab.client.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    expect(retry.status).toBe(first.status);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await lab.client.stockOf('HD-004')).toEqual(held);
  });
});
