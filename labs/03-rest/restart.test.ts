import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labApi } from './api-client.ts';

describe('lab 03-rest: idempotency keys across a restart', () => {
  const lab = labForThisFile('03-rest', { connect: labApi });

  it('answers a retry after the order service restarted with the first answer, reserving nothing more', async () => {
    const key = randomUUID();
    const body = { customer: { id: 'lab03-restart' }, lines: [{ sku: 'HD-004', quantity: 1 }] };
    const first = await lab.client.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    const held = await lab.client.stockOf('HD-004');

    await lab.restartService('order');
    const retry = await lab.client.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    expect(retry.status).toBe(first.status);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await lab.client.stockOf('HD-004')).toEqual(held);
  });
});
