import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Event-loop delay over the last window, ms. */
export interface EventLoopDelaySnapshot {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Length of the window the figures cover, ms. */
  readonly windowMs: number;
  /** Largest delay seen since the monitor started, ms. */
  readonly maxSinceStartMs: number;
}

/** Watches how late the event loop runs (every viewer's bytes go through it). */
export interface EventLoopMonitor {
  /** The last complete window (or the current one before the first window ends). */
  snapshot(): EventLoopDelaySnapshot;
  stop(): void;
}

/**
 * Samples event-loop delay with node:perf_hooks `monitorEventLoopDelay` (a libuv timer,
 * outside JavaScript, so a blocked loop is measured, not missed) and keeps rolling windows
 * of `windowMs`. prom-client's default metrics publish the same histogram on /metrics as
 * `nodejs_eventloop_lag_p99_seconds` / `nodejs_eventloop_lag_max_seconds` (reset at each
 * scrape); this monitor gives /admin/runtime a fixed window that does not depend on scrapes.
 */
export function startEventLoopMonitor(options: { readonly windowMs?: number; readonly resolutionMs?: number } = {}): EventLoopMonitor {
  const windowMs = options.windowMs ?? 10_000;
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: options.resolutionMs ?? 10 });
  histogram.enable();
  let startedAt = performance.now();
  let last: EventLoopDelaySnapshot | undefined;
  let maxSinceStartMs = 0;
  const read = (): EventLoopDelaySnapshot => {
    const ms = (ns: number): number => Math.round((Number.isFinite(ns) ? ns : 0) / 1e4) / 100;
    const maxMs = histogram.count > 0 ? ms(histogram.max) : 0;
    maxSinceStartMs = Math.max(maxSinceStartMs, maxMs);
    return {
      p50Ms: histogram.count > 0 ? ms(histogram.percentile(50)) : 0,
      p99Ms: histogram.count > 0 ? ms(histogram.percentile(99)) : 0,
      maxMs,
      meanMs: histogram.count > 0 ? ms(histogram.mean) : 0,
      windowMs: Math.round(performance.now() - startedAt),
      maxSinceStartMs,
    };
  };
  const timer = setInterval(() => {
    last = read();
    histogram.reset();
    startedAt = performance.now();
  }, windowMs);
  timer.unref();
  return {
    snapshot: () => last ?? read(),
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
