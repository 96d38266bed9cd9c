import { randomBytes } from 'node:crypto';

/** A name no other test run uses: brokers are shared, so every test brings its own queues and topics. */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomBytes(4).toString('hex')}`;
}

/**
 * Polls until `condition` holds; fails naming `what` if it never does. Tests wait for an
 * outcome, never for a fixed time.
 */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A promise to resolve from outside, for handlers a test holds and releases. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
