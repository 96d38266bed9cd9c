import { AsyncLocalStorage } from 'node:async_hooks';

/** What an incoming request hands down to every call made on its behalf. */
export interface RequestScope {
  /** Travels to inventory (gRPC metadata, HTTP header) and into every log line. */
  requestId: string;
  /** When the caller stops waiting: calls made for it get what is left, never a fresh budget. */
  deadline: Date;
  /** The customer an access token speaks for (lab 09): such a caller sees only that customer's orders. */
  customer?: string;
}

// Ambient, like a trace context: the domain in between (Orders) need not carry transport details.
const storage = new AsyncLocalStorage<RequestScope>();

export const requestScope = {
  run: <T>(scope: RequestScope, work: () => T): T => storage.run(scope, work),
  current: (): RequestScope | undefined => storage.getStore(),
};
