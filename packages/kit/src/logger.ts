import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name: string;
  level: string;
  format: 'auto' | 'json' | 'pretty';
}

/**
 * How a log line reads on a terminal. The lab runner formats the JSON lines of the services it
 * runs with the same options, so `pnpm lab up` shows what a service on a terminal shows.
 */
export const prettyLogOptions = {
  translateTime: 'HH:MM:ss.l',
  ignore: 'pid,hostname,name,reqId,status,ms',
  singleLine: true,
};

/**
 * JSON lines for machines; readable, coloured lines on a terminal or when asked. Pretty lines
 * are formatted in a worker thread (a pino transport), which costs the service about as much
 * CPU per request as the request itself: the lab runner therefore asks for JSON and formats
 * the lines it reads on its own side.
 */
export function createLogger({ name, level, format }: LoggerOptions): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY);
  return pino({
    name,
    level,
    mixin: traceFields,
    // Colour follows the terminal (FORCE_COLOR / NO_COLOR), so piped logs stay plain.
    ...(pretty && { transport: { target: 'pino-pretty', options: prettyLogOptions } }),
  });
}

/**
 * The trace and span a line was written in, when telemetry is on (packages/telemetry) and a
 * request or message is being traced: the key from a log line to its trace in Zipkin, and
 * back. Field names as the OpenTelemetry log data model and pino's own instrumentation use.
 */
export function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span) return {};
  return { trace_id: span.traceId, span_id: span.spanId, trace_flags: `0${span.traceFlags.toString(16)}` };
}
