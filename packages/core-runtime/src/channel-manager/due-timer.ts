import { scheduleAt, type Clock, type TimerHandle } from "../ports/clock.js";

/**
 * One clock timer kept armed for a single due instant: setting the same instant again is
 * a no-op, a new instant replaces the old timer, undefined clears it. The owner computes
 * the instant; nothing polls.
 * @internal
 */
export class DueTimer {
  private handle: TimerHandle | undefined;
  private dueAtMs: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: () => void,
  ) {}

  /** The instant the timer is armed for, if any. */
  get atMs(): number | undefined {
    return this.dueAtMs;
  }

  /** Arms for `atMs` (epoch ms), or clears when undefined. */
  set(atMs: number | undefined): void {
    if (atMs === this.dueAtMs) return;
    this.clear();
    if (atMs === undefined) return;
    const handle = scheduleAt(this.clock, atMs, () => {
      if (this.handle !== handle) return;
      this.handle = undefined;
      this.dueAtMs = undefined;
      this.onDue();
    });
    this.handle = handle;
    this.dueAtMs = atMs;
  }

  /** Cancels the armed timer, if any. */
  clear(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.dueAtMs = undefined;
  }
}
