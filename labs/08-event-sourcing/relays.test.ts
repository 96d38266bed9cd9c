import { describe, expect, it } from 'vitest';
import { amqpUrl, freshPostgresDatabase } from '@commlab/testkit';
import { compareRelays } from './relay/compare-relays.ts';

describe('polling outbox relays under 50 concurrent writers', () => {
  it('the id > last_seen relay loses events that commit out of order; the real relay loses none, even killed between publish and mark', async () => {
    const database = await freshPostgresDatabase();
    try {
      const result = await compareRelays({ databaseUrl: database.url, amqpUrl: await amqpUrl() });
      console.log(`id > last_seen relay: ${result.naive.summary}`);
      console.log(`OutboxRelay:          ${result.real.summary}`);
      expect(result.naive.lost.length, result.naive.summary).toBeGreaterThan(0);
      expect(result.crashed).toBe(true);
      expect(result.real.problems, result.real.summary).toEqual([]);
      expect(result.real.ok).toBe(true);
      expect(result.real.counts.applied).toBe(result.total);
      expect(result.unmarked).toBe(0);
    } finally {
      await database.drop();
    }
  }, 90_000);
});
