import type { Clock, ManualClock, TimerHandle } from "../../src/index.js";

/**
 * Wraps a ManualClock and keeps track of the timers armed through this wrapper only, so a
 * test can see exactly the timers a ChannelManager holds (the fake engine uses the bare clock).
 * `lagMs` delays every timer (to simulate a late event loop).
 */
export class TrackedClock implements Clock {
  private readonly armed = new Map<number, number>();
  armedTotal = 0;
  lagMs = 0;

  constructor(readonly inner: ManualClock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    let handle: TimerHandle | undefined;
    const dueAtMs = this.inner.now() + Math.max(0, delayMs);
    handle = this.inner.setTimeout(() => {
      if (handle !== undefined) this.armed.delete(handle.timerId);
      callback();
    }, delayMs + this.lagMs);
    this.armed.set(handle.timerId, dueAtMs);
    this.armedTotal += 1;
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.armed.delete(handle.timerId);
    this.inner.clearTimeout(handle);
  }

  /** Timers armed through this wrapper that have neither fired nor been cleared. */
  get armedCount(): number {
    return this.armed.size;
  }

  /** Due instants of those timers (without lag). */
  armedDueAtMs(): number[] {
    return [...this.armed.values()].sort((a, b) => a - b);
  }
}
