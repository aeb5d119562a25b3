/**
 * Opaque handle of a timer armed on a {@link Clock}; pass it back to `clearTimeout`.
 * Structurally identical to core-runtime's `TimerHandle`.
 */
export interface TimerHandle {
  readonly timerId: number;
}

/**
 * The only source of time in session-governance. Structurally identical to
 * core-runtime's `Clock` (packages don't import each other), so the server passes the
 * same clock to both. Nothing in this package reads `Date.now()` or the global timers.
 */
export interface Clock {
  /** Current wall-clock time, UTC epoch milliseconds. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now (below 0 counts as 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}
