import type { Logger } from 'pino';

/** Something to stop on shutdown, in the order given: stop accepting first, close clients last. */
export interface Closeable {
  name: string;
  close(): Promise<void> | void;
}

/**
 * Closes each part in turn, in the order given. By default the first failure stops it and is
 * thrown (tests see it); `onError` may log it and go on instead, as a shutdown does.
 */
export async function closeInTurn(
  parts: readonly Closeable[],
  {
    onClosing,
    onError,
  }: { onClosing?: (part: Closeable) => void; onError?: (err: unknown, part: Closeable) => void } = {},
): Promise<void> {
  for (const part of parts) {
    onClosing?.(part);
    try {
      await part.close();
    } catch (err) {
      if (!onError) throw err;
      onError(err, part);
    }
  }
}

/**
 * On SIGINT or SIGTERM, closes each part in turn (draining in-flight work is each part's
 * close()), then exits 0. If that takes longer than `timeoutMs`, exits 1 naming what hung.
 * An uncaught error is logged and exits 1 — never 0, so supervisors restart the process.
 */
export function handleShutdown(logger: Logger, parts: Closeable[], timeoutMs = 10_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    let current = '';
    const timer = setTimeout(() => {
      logger.error({ hung: current, timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    await closeInTurn(parts, {
      onClosing: (part) => (current = part.name),
      onError: (err, part) => logger.error({ err, part: part.name }, 'error while closing'),
    });
    logger.info('stopped');
    logger.flush?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    process.exit(1);
  });
}
