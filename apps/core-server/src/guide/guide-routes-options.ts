import { defaultGuideWindowOptions, type GuideWindowOptions } from "./guide-window.js";
import { defaultHdHomeRunIdentity, type HdHomeRunIdentity } from "./hdhomerun.js";
import type { RenderCacheOptions } from "./render-cache.js";

/** Options of {@link createGuideRoutes}; every field has a default. */
export interface GuideRoutesOptions {
  /** Honour X-Forwarded-Host/Proto when building URLs. Default true (see {@link BaseUrlOptions}). */
  readonly trustForwardedHeaders: boolean;
  /** Guide window defaults and bounds (default: now − 1 h .. now + 24 h, max 7 days, 5-min buckets). */
  readonly window: GuideWindowOptions;
  /** How the emulated tuner names itself. */
  readonly identity: HdHomeRunIdentity;
  /** Bounds of the render cache (default 64 entries, 32 MiB). */
  readonly cache: RenderCacheOptions;
  /** Guide documents composed at once; more wait (up to 4× this), beyond that 503. Default 2. */
  readonly maxConcurrentGuides: number;
  /** `generator-info-name` of the XMLTV document. Default "RetroVue Core". */
  readonly generatorName: string;
}

/** What callers pass: any subset, nested objects included. */
export interface GuideRoutesOptionsInput {
  readonly trustForwardedHeaders?: boolean;
  readonly window?: Partial<GuideWindowOptions>;
  readonly identity?: Partial<HdHomeRunIdentity>;
  readonly cache?: Partial<RenderCacheOptions>;
  readonly generatorName?: string;
  readonly maxConcurrentGuides?: number;
}

/** A configuration value out of range: names the option. */
export class GuideConfigError extends Error {
  override readonly name = "GuideConfigError";
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`${option}: ${detail}`);
  }
}

const HOUR_MS = 3_600_000;

/** Fills defaults and checks ranges once; throws {@link GuideConfigError} on a bad value. */
export function resolveGuideRoutesOptions(input: GuideRoutesOptionsInput = {}): GuideRoutesOptions {
  const window = { ...defaultGuideWindowOptions, ...input.window };
  const check = (ok: boolean, option: string, detail: string): void => {
    if (!ok) throw new GuideConfigError(option, detail);
  };
  check(Number.isFinite(window.defaultPastMs) && window.defaultPastMs >= 0, "window.defaultPastMs", "must be >= 0");
  check(Number.isFinite(window.defaultFutureMs) && window.defaultFutureMs > 0, "window.defaultFutureMs", "must be > 0");
  check(
    Number.isFinite(window.maxWindowMs) && window.maxWindowMs >= HOUR_MS && window.maxWindowMs <= 31 * 24 * HOUR_MS,
    "window.maxWindowMs",
    "must be between 1 hour and 31 days",
  );
  check(window.defaultPastMs + window.defaultFutureMs <= window.maxWindowMs, "window", "default window longer than maxWindowMs");
  check(Number.isInteger(window.bucketMs) && window.bucketMs >= 1 && window.bucketMs <= HOUR_MS, "window.bucketMs", "must be an integer 1..3600000");
  check(Number.isFinite(window.maxPastMs) && window.maxPastMs >= window.defaultPastMs, "window.maxPastMs", "must be at least defaultPastMs");
  check(Number.isFinite(window.maxFutureMs) && window.maxFutureMs >= window.defaultFutureMs, "window.maxFutureMs", "must be at least defaultFutureMs");

  const cache = { maxEntries: 64, maxBytes: 32 * 1024 * 1024, ...input.cache };
  check(Number.isInteger(cache.maxEntries) && cache.maxEntries >= 1, "cache.maxEntries", "must be an integer >= 1");
  check(Number.isFinite(cache.maxBytes) && cache.maxBytes >= 1024, "cache.maxBytes", "must be >= 1024");

  check(Number.isInteger(input.maxConcurrentGuides ?? 2) && (input.maxConcurrentGuides ?? 2) >= 1, "maxConcurrentGuides", "must be an integer >= 1");
  const identity = { ...defaultHdHomeRunIdentity, ...input.identity };
  for (const [key, value] of Object.entries(identity)) {
    check(typeof value === "string" && value.length > 0 && value.length <= 64, `identity.${key}`, "must be 1..64 characters");
  }
  return {
    trustForwardedHeaders: input.trustForwardedHeaders ?? true,
    window,
    identity,
    cache,
    generatorName: input.generatorName ?? "RetroVue Core",
    maxConcurrentGuides: input.maxConcurrentGuides ?? 2,
  };
}
