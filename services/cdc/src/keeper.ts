import { namespaceSchema } from '@commlab/events';
import type { Logger } from '@commlab/kit';
import type { Database } from '@commlab/sql';
import type { connectApi, ConnectorStatus } from './connect-api.ts';
import { connectorConfig, connectorNames } from './connector-config.ts';
import { addCloudEventColumns, eventsTableExists } from './event-columns.ts';

export interface KeeperOptions {
  api: ReturnType<typeof connectApi>;
  db: Database;
  namespace: string;
  databaseUrl: string;
  checkMs: number;
  logger: Logger;
}

/**
 * Keeps the lab's connector registered and says how it is: once the order service's event store
 * exists, gives its table the CloudEvents columns and PUTs the connector's config; then asks its
 * state every `checkMs`, registers it again if the worker lost it (a worker reset), and restarts
 * a failed task. Ready means the connector and its task are RUNNING.
 */
export function connectorKeeper({ api, db, namespace, databaseUrl, checkMs, logger }: KeeperOptions) {
  const names = connectorNames(namespace);
  const schema = namespaceSchema('es', namespace);
  let registered = false;
  let last: ConnectorStatus | undefined;
  let problem = 'not registered yet';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const register = async () => {
    if (!(await eventsTableExists(db, schema))) throw new Error(`waiting for the order event store (${names.table})`);
    await addCloudEventColumns(db, schema);
    await api.put(names.connector, connectorConfig(namespace, databaseUrl));
    registered = true;
    logger.info({ connector: names.connector, topic: names.topic, slot: names.slot }, 'connector registered');
  };

  const check = async () => {
    if (!registered) await register();
    last = await api.status(names.connector);
    if (!last) {
      registered = false;
      throw new Error(`the worker has no connector ${names.connector}; registering it again`);
    }
    const failed = last.tasks.find((task) => task.state === 'FAILED');
    if (failed) {
      logger.warn({ trace: failed.trace?.split('\n')[0] }, 'connector task failed; restarting it');
      await api.restartFailed(names.connector);
    }
    const task = last.tasks[0]?.state ?? 'no task yet';
    if (last.connector.state !== 'RUNNING' || task !== 'RUNNING') {
      throw new Error(`connector ${last.connector.state}, task ${task}`);
    }
  };

  const tick = async () => {
    try {
      await check();
      problem = '';
    } catch (err) {
      const message = (err as Error).message;
      if (message !== problem) logger.warn(message);
      problem = message;
    }
    if (!stopped) timer = setTimeout(() => void tick(), checkMs);
  };

  return {
    names,
    start: () => void tick(),
    /** Throws what keeps it from streaming (the readiness check). */
    ready: async () => {
      if (problem) throw new Error(problem);
    },
    status: () => ({ namespace, ...names, registered, state: last, problem: problem || undefined }),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
