import CircuitBreaker from 'opossum';
import {
  bulkhead,
  BulkheadRejectedError,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  type RetryPolicy,
} from 'cockatiel';
import type { ResilienceSettings } from './config.ts';
import { RetryBudget } from './retry-budget.ts';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** What the seam's policy did so far: what `/resilience` answers and the console shows. */
export interface PolicyReport {
  name: string;
  timeoutMs: number;
  retry: {
    maxAttempts: number;
    budgetPercent: number;
    retried: number;
    refusedByBudget: number;
    /** How long each of the last 50 retries waited (full jitter: spread over the backoff, never in step). */
    delaysMs: number[];
  };
  bulkhead?: {
    maxConcurrent: number;
    queue: number;
    inFlight: number;
    /** The most calls ever in flight at once. */
    peakInFlight: number;
    queued: number;
    refused: number;
  };
  breaker?: {
    state: BreakerState;
    /** Every state the breaker entered, oldest first (the last 50). */
    transitions: { state: BreakerState; at: string }[];
    /** Counts since start: calls, and how each ended. */
    counts: { fires: number; successes: number; failures: number; rejects: number };
    errorPercent: number;
    volume: number;
    resetMs: number;
  };
}

export interface CallPolicyOptions {
  name: string;
  settings: ResilienceSettings;
  logger: Log;
  /** Whether an error says the dependency is unwell (counts against the breaker); a refusal of the request itself does not. */
  isFailure(err: unknown): boolean;
  /** Whether an attempt may be repeated (idempotent, failed for a reason that may pass). */
  isRetryable(err: unknown): boolean;
  /** What the caller gets instead of a call while the breaker is open. */
  openError(): Error;
  /** What the caller gets instead of a call when the bulkhead is full (default: openError). */
  fullError?(): Error;
  /** What the caller gets when its deadline passed between attempts. */
  timeoutError(): Error;
}

export interface CallPolicy {
  /**
   * Runs `attempt` under the policy. Each attempt gets its own deadline: the earlier of
   * `deadline` (what the caller has left) and now + CALL_TIMEOUT_MS, so the callee is told how
   * long it has, never more than the caller has.
   */
  call<T>(deadline: Date, attempt: (deadline: Date) => Promise<T>): Promise<T>;
  /** A call's own deadline: the earlier of `deadline` and now + CALL_TIMEOUT_MS (for a call made once, outside the policy). */
  deadlineOf(deadline: Date): Date;
  report(): PolicyReport;
  close(): void;
}

/**
 * The policy of one seam, outermost first: a bulkhead (cockatiel: a cap on calls in flight and a
 * queue), retries (cockatiel: exponential backoff with full
 * jitter, an attempt cap and a retry budget) around the circuit breaker (opossum) around each
 * attempt's timeout. Retries sit outside the breaker so that every attempt is counted by it and
 * none is made once it is open.
 */
export function callPolicy(options: CallPolicyOptions): CallPolicy {
  const { settings, logger, name } = options;
  const budget = new RetryBudget(settings.RETRY_BUDGET_PERCENT);
  const breaker = settings.BREAKER === 'opossum' ? openBreaker(options) : undefined;
  // An open breaker's refusal is final for this call: retrying it would only spend the budget.
  const refusals = new WeakSet<object>();
  const refused = () => {
    const err = options.openError();
    refusals.add(err);
    return err;
  };

  const delaysMs: number[] = [];
  const backoff = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: settings.RETRY_BASE_MS,
    maxDelay: settings.RETRY_MAX_DELAY_MS,
  });
  // One retry policy per call: cockatiel asks its predicate about every failed attempt, the last
  // one too, and only this call knows whether a retry would follow (and so may spend a token).
  const retriesFor = (): RetryPolicy => {
    let attempts = 0;
    const policy = retry(
      handleWhen((err) => {
        attempts++;
        if (refusals.has(err as object) || !options.isRetryable(err)) return false;
        return attempts < settings.RETRY_MAX_ATTEMPTS && budget.tryRetry();
      }),
      // cockatiel counts retries, not attempts.
      { maxAttempts: settings.RETRY_MAX_ATTEMPTS - 1, backoff },
    );
    policy.onRetry(({ delay, attempt }) => {
      delaysMs.push(Math.round(delay));
      if (delaysMs.length > 50) delaysMs.shift();
      logger.info(
        { seam: name, attempt, delayMs: Math.round(delay) },
        `${name}: retry ${attempt} in ${Math.round(delay)}ms`,
      );
    });
    return policy;
  };

  // The bulkhead holds a call and all its attempts: a hung dependency ties up at most its slots.
  const cap =
    settings.BULKHEAD_MAX_CONCURRENT > 0
      ? bulkhead(settings.BULKHEAD_MAX_CONCURRENT, settings.BULKHEAD_QUEUE)
      : undefined;
  let bulkheadRefused = 0;
  let peakInFlight = 0;
  const withinCap = async <T>(work: () => Promise<T>): Promise<T> => {
    if (!cap) return work();
    try {
      return await cap.execute(() => {
        peakInFlight = Math.max(peakInFlight, settings.BULKHEAD_MAX_CONCURRENT - cap.executionSlots);
        return work();
      });
    } catch (err) {
      if (!(err instanceof BulkheadRejectedError)) throw err;
      bulkheadRefused++;
      throw (options.fullError ?? options.openError)();
    }
  };

  const deadlineOf = (deadline: Date) => {
    const own = settings.CALL_TIMEOUT_MS > 0 ? new Date(Date.now() + settings.CALL_TIMEOUT_MS) : deadline;
    return own < deadline ? own : deadline;
  };
  const once = <T>(deadline: Date, attempt: (deadline: Date) => Promise<T>): Promise<T> => {
    if (deadline.getTime() <= Date.now()) return Promise.reject(options.timeoutError());
    const attemptDeadline = deadlineOf(deadline);
    if (!breaker) return attempt(attemptDeadline);
    return (breaker.fire(() => attempt(attemptDeadline)) as Promise<T>).catch((err: unknown) => {
      throw (err as { code?: string }).code === 'EOPENBREAKER' ? refused() : err;
    });
  };

  return {
    call: (deadline, attempt) => withinCap(() => calls(deadline, attempt)),
    deadlineOf,
    report: () => ({
      name,
      timeoutMs: settings.CALL_TIMEOUT_MS,
      retry: {
        maxAttempts: settings.RETRY_MAX_ATTEMPTS,
        budgetPercent: settings.RETRY_BUDGET_PERCENT,
        retried: budget.retried,
        refusedByBudget: budget.refused,
        delaysMs: [...delaysMs],
      },
      ...(cap && {
        bulkhead: {
          maxConcurrent: settings.BULKHEAD_MAX_CONCURRENT,
          queue: settings.BULKHEAD_QUEUE,
          inFlight: settings.BULKHEAD_MAX_CONCURRENT - cap.executionSlots,
          peakInFlight,
          queued: settings.BULKHEAD_QUEUE - cap.queueSlots,
          refused: bulkheadRefused,
        },
      }),
      ...(breaker && { breaker: breaker.report() }),
    }),
    close: () => breaker?.shutdown(),
  };

  async function calls<T>(deadline: Date, attempt: (deadline: Date) => Promise<T>): Promise<T> {
    budget.called();
    if (settings.RETRY_MAX_ATTEMPTS === 1) return once(deadline, attempt);
    // Between attempts the caller's deadline still holds: a backoff that outlasts it ends the call.
    const signal = AbortSignal.timeout(Math.max(0, deadline.getTime() - Date.now()));
    try {
      return await retriesFor().execute(() => once(deadline, attempt), signal);
    } catch (err) {
      if (signal.aborted && (err as Error).name === 'TaskCancelledError') throw options.timeoutError();
      throw err;
    }
  }
}

function openBreaker({ name, settings, logger, isFailure }: CallPolicyOptions) {
  const breaker = new CircuitBreaker((work: () => Promise<unknown>) => work(), {
    name,
    // Each attempt carries its own deadline to the callee; opossum's timer would only duplicate it.
    timeout: false,
    errorThresholdPercentage: settings.BREAKER_ERROR_PERCENT,
    volumeThreshold: settings.BREAKER_VOLUME,
    rollingCountTimeout: settings.BREAKER_WINDOW_MS,
    resetTimeout: settings.BREAKER_RESET_MS,
    // A refusal (unknown SKU, no stock) is an answer, not a sign the dependency is unwell.
    errorFilter: (err: unknown) => !isFailure(err),
  });
  const counts = { fires: 0, successes: 0, failures: 0, rejects: 0 };
  const transitions: { state: BreakerState; at: string }[] = [{ state: 'closed', at: new Date().toISOString() }];
  breaker.on('fire', () => void counts.fires++);
  breaker.on('success', () => void counts.successes++);
  breaker.on('failure', () => void counts.failures++);
  breaker.on('reject', () => void counts.rejects++);
  const enter = (state: BreakerState, message: string) => {
    transitions.push({ state, at: new Date().toISOString() });
    if (transitions.length > 50) transitions.shift();
    logger.warn({ breaker: name, state, counts: { ...counts } }, `${name}: circuit ${message}`);
  };
  breaker.on('open', () =>
    enter('open', `open after ${counts.failures} failures; calls fail fast for ${settings.BREAKER_RESET_MS}ms`),
  );
  breaker.on('halfOpen', () => enter('halfOpen', 'half-open: one trial call goes through'));
  breaker.on('close', () => enter('closed', 'closed: calls go through again'));
  return {
    fire: (work: () => Promise<unknown>) => breaker.fire(work),
    shutdown: () => breaker.shutdown(),
    report: () => ({
      state: (breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed') as BreakerState,
      transitions: [...transitions],
      counts: { ...counts },
      errorPercent: settings.BREAKER_ERROR_PERCENT,
      volume: settings.BREAKER_VOLUME,
      resetMs: settings.BREAKER_RESET_MS,
    }),
  };
}
