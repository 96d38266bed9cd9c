import type { Static, TObject } from 'typebox';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { handleShutdown, type Closeable } from './shutdown.ts';

interface CommonSettings {
  SERVICE_NAME?: string | undefined;
  LOG_LEVEL: string;
  LOG_FORMAT: 'auto' | 'json' | 'pretty';
}

/**
 * The start-up every service shares: validate configuration (a bad variable stops the
 * process with its name, exit code 2 — also when `start` finds settings that do not go
 * together), create the logger, run `start`, and close what it returns on SIGINT/SIGTERM.
 */
export async function startService<S extends TObject>(
  name: string,
  schema: S,
  start: (config: Static<S>, logger: Logger) => Promise<Closeable[]>,
): Promise<void> {
  function refuse(err: ConfigError): never {
    console.error(`${name}: cannot start, ${err.message}`);
    process.exit(2);
  }
  let config: Static<S>;
  try {
    config = loadConfig(schema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    refuse(err);
  }
  const common = config as unknown as CommonSettings;
  const logger = createLogger({
    name: common.SERVICE_NAME ?? name,
    level: common.LOG_LEVEL,
    format: common.LOG_FORMAT,
  });
  try {
    handleShutdown(logger, await start(config, logger));
  } catch (err) {
    if (err instanceof ConfigError) refuse(err);
    logger.fatal({ err }, `${name} failed to start`);
    process.exit(1);
  }
}
