/** Restart delays for a crashing sidecar: exponential, capped, reset after a stable run. */
export class Backoff {
  private attempt = 0;
  private startedAt: number | undefined;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 30000,
    private readonly stableMs = 30000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call when the sidecar became ready. */
  started(): void {
    this.startedAt = this.now();
  }

  /** The delay before the next restart; resets when the last run lasted `stableMs`. */
  next(): number {
    if (this.startedAt !== undefined && this.now() - this.startedAt >= this.stableMs) this.attempt = 0;
    this.startedAt = undefined;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
    this.startedAt = undefined;
  }
}
