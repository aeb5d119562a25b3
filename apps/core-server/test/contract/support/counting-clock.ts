import { systemClock, type Clock, type TimerHandle } from "@retrovue/core-runtime";

/** One timer as the counting clock saw it. Times are epoch ms. */
export interface TimerRecord {
  readonly id: number;
  readonly armedAtMs: number;
  readonly dueAtMs: number;
  firedAtMs?: number;
  clearedAtMs?: number;
}

/**
 * The system clock with bookkeeping: every timer armed through it is tracked until it
 * fires or is cleared, so a test can assert that nothing is left armed after the server
 * closed and that no timer fired after a given instant. A manual clock cannot drive a
 * separate engine process, so the suite runs on real time and counts instead.
 */
export class CountingClock implements Clock {
  readonly #armed = new Map<TimerHandle, TimerRecord>();
  readonly #records: TimerRecord[] = [];
  #nextId = 1;

  now(): number {
    return systemClock.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const nowMs = this.now();
    const record: TimerRecord = { id: this.#nextId++, armedAtMs: nowMs, dueAtMs: nowMs + Math.max(0, delayMs) };
    this.#records.push(record);
    const handle: TimerHandle = systemClock.setTimeout(() => {
      this.#armed.delete(handle);
      record.firedAtMs = this.now();
      callback();
    }, delayMs);
    this.#armed.set(handle, record);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    const record = this.#armed.get(handle);
    if (record !== undefined) {
      record.clearedAtMs = this.now();
      this.#armed.delete(handle);
    }
    systemClock.clearTimeout(handle);
  }

  /** Timers armed and neither fired nor cleared yet. */
  get armedCount(): number {
    return this.#armed.size;
  }

  /** Copies of the timers still armed. */
  armed(): TimerRecord[] {
    return [...this.#armed.values()].map((r) => ({ ...r }));
  }

  /** Every timer ever armed through this clock (copies), in arming order. */
  records(): TimerRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }

  /** Timers that fired at or after `atMs`. */
  firedSince(atMs: number): TimerRecord[] {
    return this.records().filter((r) => r.firedAtMs !== undefined && r.firedAtMs >= atMs);
  }

  /** How many timers were ever armed. */
  get totalArmed(): number {
    return this.#records.length;
  }
}
