import { randomBytes } from 'node:crypto';
import { RequestError } from '../errors.ts';
import type { BenchRequest, Send } from '../open-loop.ts';

/**
 * What a message carries so its latency can be measured where it is consumed: its sequence
 * number and its intended send time as an epoch time in fractional milliseconds (producer and
 * consumer may be different processes on this machine; they share its clock).
 */
export interface Stamp {
  /** Which run sent it: a message left over from an earlier run is not mistaken for this one's. */
  run: string;
  seq: number;
  sentAt: number;
}

/** How long ago a stamp was sent, in ms, on this machine's clock. */
export function ageOf(stamp: Stamp): number {
  return performance.timeOrigin + performance.now() - stamp.sentAt;
}

/**
 * Turns produce → consume into requests the loops can time: `send` publishes a stamped message
 * and resolves when the consumer reports that stamp back through `arrived`. A publish that
 * fails rejects at once; a message never consumed times out in the loop.
 */
export function endToEnd(publish: (stamp: Stamp, request: BenchRequest) => Promise<unknown>): {
  send: Send;
  arrived(stamp: Stamp): void;
  /** Messages of this run consumed that no request was waiting for (duplicates, or late after a timeout). */
  readonly strays: number;
} {
  const run = randomBytes(4).toString('hex');
  const waiting = new Map<number, () => void>();
  let strays = 0;
  return {
    send: (request) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(request.seq, resolve);
        const stamp = { run, seq: request.seq, sentAt: performance.timeOrigin + request.intendedAt };
        publish(stamp, request).catch((err: unknown) => {
          waiting.delete(request.seq);
          reject(err instanceof Error ? err : new RequestError('publish failed'));
        });
      }),
    arrived(stamp) {
      if (stamp.run !== run) return;
      const resolve = waiting.get(stamp.seq);
      if (!resolve) {
        strays++;
        return;
      }
      waiting.delete(stamp.seq);
      resolve();
    },
    get strays() {
      return strays;
    },
  };
}
