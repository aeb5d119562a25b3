import type { Clock, TimerHandle } from "./clock.js";

/** Node caps timer delays at 2^31-1 ms; larger ones would fire at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface SystemTimer extends TimerHandle {
  timeout: NodeJS.Timeout | undefined;
}

/**
 * The production {@link Clock}: `Date.now()` and Node's timers. Delays longer than
 * Node supports are re-armed in steps instead of firing immediately.
 */
export class SystemClock implements Clock {
  private nextTimerId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const dueAtMs = Date.now() + Math.max(0, delayMs);
    const timer: SystemTimer = { timerId: this.nextTimerId++, timeout: undefined };
    const arm = (): void => {
      const remainingMs = dueAtMs - Date.now();
      if (remainingMs > MAX_TIMER_DELAY_MS) {
        timer.timeout = setTimeout(arm, MAX_TIMER_DELAY_MS);
        return;
      }
      timer.timeout = setTimeout(() => {
        timer.timeout = undefined;
        callback();
      }, Math.max(0, remainingMs));
    };
    arm();
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as SystemTimer;
    if (timer.timeout !== undefined) {
      clearTimeout(timer.timeout);
      timer.timeout = undefined;
    }
  }
}

/** One shared system clock; it holds no state beyond a timer-id counter. */
export const systemClock: Clock = new SystemClock();
