import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name: string;
  level: string;
  format: 'auto' | 'json' | 'pretty';
}

/** JSON lines for machines; readable, coloured lines on a terminal or when asked (the lab runner asks). */
export function createLogger({ name, level, format }: LoggerOptions): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY);
  return pino({
    name,
    level,
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        // Colour follows the terminal (FORCE_COLOR / NO_COLOR), so piped logs stay plain.
        options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name,reqId,status,ms', singleLine: true },
      },
    }),
  });
}
