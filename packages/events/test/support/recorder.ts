import type { CloudEvent, EventHandler } from '../../src/index.ts';

/** Remembers what each consumer handled, in order. */
export class Recorder {
  readonly handled: { consumer: string; event: CloudEvent }[] = [];

  handler(consumer: string, then?: (event: CloudEvent) => Promise<void> | void): EventHandler {
    return async (event) => {
      await then?.(event);
      this.handled.push({ consumer, event });
    };
  }

  ids(consumer?: string): string[] {
    return this.handled.filter((h) => !consumer || h.consumer === consumer).map((h) => h.event.id);
  }

  /** Subjects' data in arrival order, per subject. */
  sequences(): Map<string, unknown[]> {
    const bySubject = new Map<string, unknown[]>();
    for (const { event } of this.handled)
      bySubject.set(event.subject, [...(bySubject.get(event.subject) ?? []), event.data]);
    return bySubject;
  }
}

export const logRecorder = () => {
  const lines: string[] = [];
  const record = (fields: object, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, log: { info: record, warn: record, error: record } };
};
