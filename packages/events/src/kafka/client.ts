import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { BusLog } from '../log.ts';

/** A kafkajs client whose own logging goes to our logger: warnings and errors only. */
export function kafkaClient(brokers: readonly string[], clientId: string, log: BusLog): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        log.warn({ namespace, ...fields }, `kafkajs: ${message}`);
      },
  });
}
