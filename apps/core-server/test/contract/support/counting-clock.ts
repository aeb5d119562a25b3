import { systemClock, type Clock, type TimerHandle } from "@retrovue/core-runtime";

/** The part of the server a timer belongs to (see {@link originOf}). */
export type TimerOrigin = "channel-manager" | "director" | "hub" | "governance" | "sweep" | "other";

/**
 * Classifies a timer by the frames that armed it: the ChannelManager arms its one
 * boundary timer through DueTimer; the director its deadlines and restart backoff; the
 * StreamHub its coalescing flush; session governance its stream rechecks; the server's
 * governance component its sweep.
 */
export function originOf(stack: string): TimerOrigin {
  if (stack.includes("due-timer") || stack.includes("channel-manager")) return "channel-manager";
  if (stack.includes("program-director")) return "director";
  if (stack.includes("stream-hub")) return "hub";
  if (stack.includes("session-governor") || stack.includes("session-governance")) return "governance";
  if (stack.includes("governance-component")) return "sweep";
  return "other";
}

/** One timer as the counting clock saw it. Times are epoch ms. */
export interface TimerRecord {
  readonly id: number;
  readonly armedAtMs: number;
  readonly dueAtMs: number;
  /** Who armed it, from the caller's stack: "channel-manager", "director", "hub", "governance", "sweep" or "other". */
  readonly origin: TimerOrigin;
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
    const stack = new Error().stack ?? "";
    const record: TimerRecord = { id: this.#nextId++, armedAtMs: nowMs, dueAtMs: nowMs + Math.max(0, delayMs), origin: originOf(stack) };
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
}
