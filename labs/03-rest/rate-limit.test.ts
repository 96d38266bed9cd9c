import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labApi } from './api-client.ts';

// A file of its own: once the limit is hit, this lab's API refuses everyone for the rest of the minute.
describe('lab 03-rest: rate limit', () => {
  const lab = labForThisFile('03-rest', { connect: labApi });

  it('answers 429 problem+json with Retry-After past RATE_LIMIT_PER_MINUTE, and keeps answering probes', async () => {
    const first = await lab.client.call('GET', '/v2/orders?limit=1');
    const limit = Number(first.headers.get('ratelimit-limit'));
    expect(limit).toBe(60);
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++) statuses.push((await lab.client.call('GET', '/orders?limit=1')).status);
    expect(statuses.filter((s) => s === 200).length).toBe(limit - 1);

    const limited = await lab.client.call('GET', '/v2/orders?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${lab.url('order')}/readyz`)).status).toBe(200);
  });
});
