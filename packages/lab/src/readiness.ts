import { probe } from '@commlab/kit';

/**
 * Polls a readiness target (`http://…/readyz` or `grpc://…`, the probe a lab's healthchecks
 * run) until it answers; `alive` may throw to give up early (a process that exited). Both run
 * modes wait this way, never for a fixed sleep.
 */
export async function untilReady(target: string, timeoutMs: number, alive: () => void = () => {}): Promise<void> {
  let lastError = '';
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    alive();
    try {
      await probe(target, 1_000);
      return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s (${target}: ${lastError})`);
}
