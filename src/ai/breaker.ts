export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

export class BreakerOpenError extends Error {
  constructor() {
    super('circuit breaker open: Ollama failed repeatedly, not calling it until the cooldown ends');
    this.name = 'BreakerOpenError';
  }
}

/**
 * Stops calling a model that keeps failing, so each request gets its fallback at once instead of
 * waiting out a full timeout. After the cooldown exactly one trial call is let through; its outcome
 * decides whether traffic resumes or the cooldown starts again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    if (!Number.isInteger(opts.failureThreshold) || opts.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${opts.failureThreshold}`);
    }
    this.now = opts.now ?? Date.now;
  }

  state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.opts.cooldownMs ? 'half_open' : 'open';
  }

  /** Runs `call` if the breaker lets it through; a rejected call throws BreakerOpenError without running. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const isTrial = this.admit();
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (err) {
      this.failed();
      throw err;
    } finally {
      if (isTrial) this.trialInFlight = false;
    }
  }

  private admit(): boolean {
    const state = this.state();
    if (state === 'closed') return false;
    if (state === 'open' || this.trialInFlight) throw new BreakerOpenError();
    this.trialInFlight = true;
    return true;
  }

  private succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  private failed(): void {
    this.failures += 1;
    // A failed trial restarts the cooldown whatever the count, since the model is evidently still down.
    if (this.openedAt !== undefined || this.failures >= this.opts.failureThreshold) this.openedAt = this.now();
  }
}
