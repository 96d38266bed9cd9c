import type { OrderLine } from '../domain/order.ts';

/**
 * The orchestrated checkout saga (lab 08). Forward: reserve → pay → confirm. Compensation, in
 * reverse of what was done: refund → release → cancel. `reject` ends a saga whose stock was
 * refused (nothing to undo). `done` is no step: the saga is over.
 */
export type SagaStep = 'reserve' | 'pay' | 'confirm' | 'refund' | 'release' | 'cancel' | 'reject' | 'done';

/** running: forward; compensating: undoing; completed, compensated, rejected: final. */
export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'rejected';

export interface SagaEntry {
  step: SagaStep;
  /** What the step did, in a few words: "reserved", "declined LIMIT_EXCEEDED", "order cancelled by its customer". */
  outcome: string;
  at: string;
}

export interface Saga {
  /** The saga's id is its order's id: every participant's call is idempotent by it. */
  id: string;
  orderId: string;
  /** The step to do next (done when over). */
  step: SagaStep;
  status: SagaStatus;
  lines: OrderLine[];
  amount: number;
  /** Why it compensates or was rejected: the refusing participant's code and detail. */
  reason?: { code: string; detail: string } | undefined;
  history: SagaEntry[];
  updatedAt: string;
}

export const finalStatuses: readonly SagaStatus[] = ['completed', 'compensated', 'rejected'];

/** What one step decided: the next step, the saga's status then, and the entry for its history. */
export interface StepResult {
  next: SagaStep;
  status: SagaStatus;
  outcome: string;
  reason?: { code: string; detail: string };
}
