import { prettyLogOptions } from '@commlab/kit';
import { prettyFactory } from 'pino-pretty';

/**
 * Formats the JSON log lines of the services `pnpm lab up` runs, in the runner. A service asked
 * for pretty logs formats them in a pino-pretty worker thread of its own, which doubled the CPU
 * each request cost (lab 10 measured it); the runner reads every line anyway, so it formats
 * them here, off the services' request path. Lines that are not JSON pass through unchanged.
 */
export function prettyLogs(colorize: boolean): (line: string) => string {
  const format = prettyFactory({ ...prettyLogOptions, colorize });
  return (line) => (line.startsWith('{') ? format(line).replace(/\r?\n$/, '') : line);
}
