/**
 * Rewinds a stopped consumer group on a topic, so its next run reads the events again.
 *
 *   node labs/05-messaging/replay.ts --group <group> --topic <topic> --offset <n> [--partition <p>]
 *   node labs/05-messaging/replay.ts --group <group> --topic <topic> --time <ISO 8601 time>
 */
import { parseArgs } from 'node:util';
import { createKafkaBus, type ReplayFrom } from '@commlab/events';
import { brokers } from './demos/brokers.ts';

const usage = `usage: node labs/05-messaging/replay.ts --group <group> --topic <topic> (--offset <n> [--partition <p>] | --time <ISO 8601 time>)

Rewinds the consumer group's committed offsets on the topic (stop its consumers first):
  --offset <n>      to offset n on every partition (or only on --partition p); clamped to what the partition holds
  --time <time>     to each partition's first event at or after that time, e.g. 2026-05-01T12:00:00Z`;

/** Reads the command line into a replay request, or says what is wrong with it. */
export function parseReplayArgs(args: string[]): { group: string; topic: string; from: ReplayFrom } | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        group: { type: 'string' },
        topic: { type: 'string' },
        offset: { type: 'string' },
        partition: { type: 'string' },
        time: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.help) return '';
  if (!values.group || !values.topic) return '--group and --topic are required';
  if ((values.offset === undefined) === (values.time === undefined)) return 'give exactly one of --offset and --time';
  if (values.time !== undefined) {
    const timestamp = Date.parse(values.time);
    if (Number.isNaN(timestamp)) return `--time ${values.time} is not an ISO 8601 time`;
    return { group: values.group, topic: values.topic, from: { timestamp } };
  }
  const offset = Number(values.offset);
  const partition = values.partition === undefined ? undefined : Number(values.partition);
  if (!Number.isInteger(offset) || offset < 0) return `--offset ${values.offset} is not a non-negative integer`;
  if (partition !== undefined && (!Number.isInteger(partition) || partition < 0)) {
    return `--partition ${values.partition} is not a non-negative integer`;
  }
  return { group: values.group, topic: values.topic, from: { offset, ...(partition !== undefined && { partition }) } };
}

async function main(): Promise<number> {
  const request = parseReplayArgs(process.argv.slice(2));
  if (typeof request === 'string') {
    console.log(request ? `${request}\n\n${usage}` : usage);
    return request ? 2 : 0;
  }
  const bus = await createKafkaBus({ brokers: brokers.kafka });
  try {
    const offsets = await bus.replay(request);
    console.log(`rewound group ${request.group} on ${request.topic}; its next run reads from:`);
    for (const { partition, offset } of offsets) console.log(`  partition ${partition}: offset ${offset}`);
    return 0;
  } catch (err) {
    console.log(`cannot rewind: ${(err as Error).message}`);
    return 1;
  } finally {
    await bus.close();
  }
}

if (import.meta.main) process.exitCode = await main();
