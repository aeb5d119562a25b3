import { systemClock, type Clock, type TimerHandle } from "@retrovue/core-runtime";

/**
 * The system clock, counting the timers armed through it: which are still pending, and
 * whether any fired after {@link TrackingClock.markClosed} (a "ghost" callback).
 */
export class TrackingClock implements Clock {
  private readonly pending = new Map<number, TimerHandle>();
  private closed = false;
  /** Timer callbacks that ran after `markClosed()`. */
  firedAfterClose = 0;

  now(): number {
    return systemClock.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = systemClock.setTimeout(() => {
      this.pending.delete(handle.timerId);
      if (this.closed) this.firedAfterClose++;
      callback();
    }, delayMs);
    this.pending.set(handle.timerId, handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle.timerId);
    systemClock.clearTimeout(handle);
  }

  /** Timers armed and neither fired nor cleared. */
  get pendingTimers(): number {
    return this.pending.size;
  }

  /** From now on, a firing timer is a ghost. */
  markClosed(): void {
    this.closed = true;
  }
}
