/**
 * Opaque handle of a timer armed on a {@link Clock}. Pass it back to
 * `clearTimeout` to cancel the timer; clearing twice, or after it fired, is a no-op.
 */
export interface TimerHandle {
  readonly timerId: number;
}

/**
 * The only source of time in core-runtime and session-governance: "now" and timers come from here,
 * so tests drive time exactly (see `ManualClock`) and production uses `SystemClock`.
 * Nothing in those packages reads `Date.now()` or the global timers.
 */
export interface Clock {
  /** Current wall-clock time, UTC epoch milliseconds. */
  now(): number;
  /**
   * Runs `callback` once, `delayMs` from now. A delay below 0 counts as 0.
   * Returns a handle for `clearTimeout`.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Arms `callback` to run at the absolute instant `atMs` (epoch ms) on `clock`. */
export function scheduleAt(clock: Clock, atMs: number, callback: () => void): TimerHandle {
  return clock.setTimeout(callback, atMs - clock.now());
}
