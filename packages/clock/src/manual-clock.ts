import type { Clock, TimerHandle } from "./clock.js";

interface ManualTimer extends TimerHandle {
  readonly dueAtMs: number;
  readonly callback: () => void;
}

/**
 * A {@link Clock} for tests: time stands still until `advance`/`advanceTo` moves it.
 * Due timers fire in order of due time (ties in arming order), each with `now()`
 * equal to its own due instant, including timers armed by other timers' callbacks
 * while the clock advances.
 */
export class ManualClock implements Clock {
  private currentMs: number;
  private nextTimerId = 1;
  private readonly timers = new Map<number, ManualTimer>();

  /** @param startMs initial time, UTC epoch ms (default 0). */
  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  now(): number {
    return this.currentMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = {
      timerId: this.nextTimerId++,
      dueAtMs: this.currentMs + Math.max(0, delayMs),
      callback,
    };
    this.timers.set(timer.timerId, timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.timerId);
  }

  /** Number of timers armed and not yet fired or cleared. */
  get armedTimerCount(): number {
    return this.timers.size;
  }

  /** Due instant (epoch ms) of the earliest armed timer, or undefined when none is armed. */
  get nextDueAtMs(): number | undefined {
    return this.earliest()?.dueAtMs;
  }

  /** Moves time forward by `ms` (>= 0), firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.advanceTo(this.currentMs + ms);
  }

  /** Moves time forward to `atMs`, firing due timers in order. Moving backwards throws. */
  advanceTo(atMs: number): void {
    if (atMs < this.currentMs) {
      throw new RangeError(`ManualClock.advanceTo: cannot go back from ${this.currentMs} to ${atMs}`);
    }
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueAtMs > atMs) break;
      this.timers.delete(next.timerId);
      this.currentMs = next.dueAtMs;
      next.callback();
    }
    this.currentMs = atMs;
  }

  /** Fires the timers due at the current instant without moving time. */
  runDue(): void {
    this.advanceTo(this.currentMs);
  }

  private earliest(): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (best === undefined || timer.dueAtMs < best.dueAtMs || (timer.dueAtMs === best.dueAtMs && timer.timerId < best.timerId)) {
        best = timer;
      }
    }
    return best;
  }
}
