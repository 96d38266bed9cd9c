/**
 * Settles like `promise`, or rejects with `error()` at `deadline` (epoch ms) if it has not
 * settled by then. Broker calls can hang on a half-dead connection; callers that must answer
 * (a publish, a readiness probe) bound them with this.
 */
export function within<T>(promise: Promise<T>, deadline: number, error: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** How long a readiness ping may take before the bus counts as unreachable. */
const pingTimeoutMs = 2_000;

/** A readiness ping: `request` is one round trip to the broker, bounded so a probe answers in time. */
export async function roundTrip(request: Promise<unknown>, broker: string): Promise<void> {
  await within(
    request,
    Date.now() + pingTimeoutMs,
    () => new Error(`${broker} did not answer within ${pingTimeoutMs} ms`),
  );
}
