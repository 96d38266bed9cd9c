/**
 * Retries may add at most `percent` % to the calls made: every call earns percent/100 of a token,
 * every retry spends one (the token bucket of gRPC's retry throttling and Finagle's RetryBudget).
 * A few tokens to start with let a quiet service retry at all; the cap stops a long calm spell
 * from saving up a storm.
 */
export class RetryBudget {
  private tokens: number;
  private readonly ratio: number;
  private readonly max: number;
  retried = 0;
  refused = 0;

  constructor(percent: number, { initial = 5, max = 20 }: { initial?: number; max?: number } = {}) {
    this.ratio = percent / 100;
    this.max = percent > 0 ? max : 0;
    this.tokens = Math.min(initial, this.max);
  }

  /** One call made (first attempts only). */
  called(): void {
    // Rounded so that ten calls at 10 % make one whole token, not 0.9999….
    this.tokens = Math.min(this.max, Math.round((this.tokens + this.ratio) * 1e9) / 1e9);
  }

  /** Whether a retry may go; spends a token when it may. */
  tryRetry(): boolean {
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.retried++;
      return true;
    }
    this.refused++;
    return false;
  }
}
