import { compareRelays } from './compare-relays.ts';

// `node labs/08-event-sourcing/relay/compare.ts`: the guide's side-by-side run of both relays.
const result = await compareRelays({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
});
console.log(`id > last_seen relay: ${result.naive.summary}`);
console.log(`OutboxRelay:          ${result.real.summary}`);
