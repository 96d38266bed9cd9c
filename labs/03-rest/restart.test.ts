// lab-test: native-only (restarts the order service)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type LabUnderTest } from '@commlab/lab-runner/testing';
import { labApi } from './api-client.ts';

describe('lab 03-rest: idempotency keys across a restart', () => {
  let lab: LabUnderTest;
  let api: Awaited<ReturnType<typeof labApi>>;
  beforeAll(async () => {
    lab = await startLab('03-rest');
    api = await labApi(lab);
  });
  afterAll(async () => {
    api?.close();
    await lab?.stop();
  });

  it('answers a retry after the order service restarted with the first answer, reserving nothing more', async () => {
    const key = randomUUID();
    const body = { customer: { id: 'lab03-restart' }, lines: [{ sku: 'HD-004', quantity: 1 }] };
    const first = await api.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    const held = await api.stockOf('HD-004');

    await lab.restart('order');
    const retry = await api.call('POST', '/v2/orders', { headers: { 'idempotency-key': key }, body });
    expect(retry.status).toBe(first.status);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.stockOf('HD-004')).toEqual(held);
  });
});
