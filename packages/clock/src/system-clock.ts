import type { Clock, TimerHandle } from "./clock.js";

/** Node caps timer delays at 2^31-1 ms; larger ones would fire at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface SystemTimer extends TimerHandle {
  /** The due instant (epoch ms, whole) whose bucket holds this timer. */
  readonly bucketAtMs: number;
}

/** The callbacks due at one whole-ms instant, and the one Node timer that runs them. */
interface Bucket {
  readonly callbacks: Map<number, () => void>;
  timeout: NodeJS.Timeout | undefined;
}

/**
 * The production {@link Clock}: `Date.now()` and Node's timers.
 *
 * - Timers due at the same whole millisecond share one Node timer and run back to back in
 *   arming order: a thousand channels with the same boundary cost one timer wake-up, and
 *   their callbacks are not interleaved with unrelated work.
 * - A timer never runs before its due instant by `Date.now()` (Node's timers run on a
 *   cached loop time and can wake a little early; the bucket then waits out the rest).
 * - Delays longer than Node supports are re-armed in steps instead of firing at once.
 * - A throwing callback does not stop the others due at the same instant; its error is
 *   rethrown on a fresh task (as an uncaught timer error would be).
 */
export class SystemClock implements Clock {
  private nextTimerId = 1;
  private readonly buckets = new Map<number, Bucket>();
  /** The bucket whose callbacks are running (out of `buckets`, so new timers start a fresh one). */
  private firing: { readonly atMs: number; readonly bucket: Bucket } | undefined;

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const bucketAtMs = Math.ceil(Date.now() + Math.max(0, delayMs));
    let bucket = this.buckets.get(bucketAtMs);
    if (bucket === undefined) {
      bucket = { callbacks: new Map(), timeout: undefined };
      this.buckets.set(bucketAtMs, bucket);
      this.arm(bucketAtMs, bucket);
    }
    const timer: SystemTimer = { timerId: this.nextTimerId++, bucketAtMs };
    bucket.callbacks.set(timer.timerId, callback);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const { bucketAtMs } = handle as SystemTimer;
    const firing = this.firing?.atMs === bucketAtMs ? this.firing.bucket : undefined;
    const bucket = this.buckets.get(bucketAtMs) ?? firing;
    if (bucket === undefined || !bucket.callbacks.delete(handle.timerId)) return;
    if (bucket !== firing && bucket.callbacks.size === 0) {
      clearTimeout(bucket.timeout);
      this.buckets.delete(bucketAtMs);
    }
  }

  private arm(bucketAtMs: number, bucket: Bucket): void {
    const remainingMs = bucketAtMs - Date.now();
    bucket.timeout = setTimeout(
      () => this.fire(bucketAtMs, bucket),
      Math.min(MAX_TIMER_DELAY_MS, Math.max(0, remainingMs)),
    );
  }

  private fire(bucketAtMs: number, bucket: Bucket): void {
    if (this.buckets.get(bucketAtMs) !== bucket) return;
    if (Date.now() < bucketAtMs) {
      this.arm(bucketAtMs, bucket);
      return;
    }
    this.buckets.delete(bucketAtMs);
    bucket.timeout = undefined;
    this.firing = { atMs: bucketAtMs, bucket };
    try {
      // Each callback leaves the bucket before it runs; one cleared meanwhile is skipped.
      for (const [timerId, callback] of bucket.callbacks) {
        bucket.callbacks.delete(timerId);
        try {
          callback();
        } catch (error) {
          setImmediate(() => {
            throw error;
          });
        }
      }
    } finally {
      this.firing = undefined;
    }
  }
}

/** One shared system clock; it holds only its armed timers. */
export const systemClock: Clock = new SystemClock();
