import { AIR_METHODS, type AirMethod } from "./air-method.js";

/** Per-method default deadline, in ms. */
export type AirMethodTimeouts = Readonly<Record<AirMethod, number>>;

/**
 * Settings of an AirClient, all fields filled. Pass a partial {@link AirClientOptionsInit}
 * to `createAirClient`; {@link resolveAirClientOptions} applies the defaults and ranges once.
 */
export interface AirClientOptions {
  /**
   * Default deadline per RPC, in ms; a call's `timeoutMs` overrides it.
   * @default GetVersion 2000, every other method 5000. Range 1–600000.
   */
  readonly timeoutsMs: AirMethodTimeouts;
  /**
   * SwitchToLive blocks on the engine until its target time, so its deadline is
   * `max(timeout, target − now + switchDeadlineMarginMs)`.
   * @default 2000. Range 0–60000.
   */
  readonly switchDeadlineMarginMs: number;
  /**
   * `waitForReady` gives up after this long in total, in ms.
   * @default 10000. Range 1–600000.
   */
  readonly waitForReadyTotalMs: number;
  /**
   * Pause between two GetVersion attempts in `waitForReady`, in ms.
   * @default 100. Range 1–10000.
   */
  readonly waitForReadyIntervalMs: number;
  /**
   * Wall clock in epoch ms: the clock the engine compares SwitchToLive targets against.
   * Used for SwitchToLive's deadline and its default `issuedAtTimeMs`.
   * @default Date.now
   */
  readonly now: () => number;
}

/** What `createAirClient` accepts: any subset of the options, timeouts per method. */
export type AirClientOptionsInit = Partial<Omit<AirClientOptions, "timeoutsMs">> & {
  readonly timeoutsMs?: Partial<AirMethodTimeouts>;
};

/** Thrown by {@link resolveAirClientOptions} (and so by `createAirClient`) for bad settings. */
export class AirClientOptionsError extends Error {
  override readonly name = "AirClientOptionsError";
  /** The offending option, e.g. `timeoutsMs.SwitchToLive` or `address`. */
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string) {
    super(`invalid AirClient option ${option}=${String(value)}: expected ${expected}`);
    this.option = option;
    this.value = value;
  }
}

/** Largest timer delay Node honours; longer delays fire at once (2^31 − 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_GET_VERSION_TIMEOUT_MS = 2000;

/** The defaults, as documented on {@link AirClientOptions}. */
export const DEFAULT_AIR_CLIENT_OPTIONS: AirClientOptions = Object.freeze({
  timeoutsMs: Object.freeze(
    Object.fromEntries(
      AIR_METHODS.map((m) => [m, m === "GetVersion" ? DEFAULT_GET_VERSION_TIMEOUT_MS : DEFAULT_TIMEOUT_MS]),
    ) as Record<AirMethod, number>,
  ),
  switchDeadlineMarginMs: 2000,
  waitForReadyTotalMs: 10_000,
  waitForReadyIntervalMs: 100,
  now: Date.now,
});

/**
 * Fills defaults and checks ranges. Throws {@link AirClientOptionsError} naming the first
 * bad option (unknown option names included, so typos fail at start).
 */
export function resolveAirClientOptions(init: AirClientOptionsInit = {}): AirClientOptions {
  const known = new Set(Object.keys(DEFAULT_AIR_CLIENT_OPTIONS));
  for (const key of Object.keys(init)) {
    if (!known.has(key)) throw new AirClientOptionsError(key, (init as Record<string, unknown>)[key], "a known option");
  }
  const d = DEFAULT_AIR_CLIENT_OPTIONS;
  const timeoutsInit: Partial<Record<string, number>> = init.timeoutsMs ?? {};
  for (const key of Object.keys(timeoutsInit)) {
    if (!(AIR_METHODS as readonly string[]).includes(key)) {
      throw new AirClientOptionsError(`timeoutsMs.${key}`, timeoutsInit[key], "an AIR method name");
    }
  }
  const timeoutsMs = Object.freeze(
    Object.fromEntries(
      AIR_METHODS.map((m) => [m, intIn(`timeoutsMs.${m}`, timeoutsInit[m] ?? d.timeoutsMs[m], 1, 600_000)]),
    ) as Record<AirMethod, number>,
  );
  const now = init.now ?? d.now;
  if (typeof now !== "function") throw new AirClientOptionsError("now", now, "a function returning epoch ms");
  return Object.freeze({
    timeoutsMs,
    switchDeadlineMarginMs: intIn("switchDeadlineMarginMs", init.switchDeadlineMarginMs ?? d.switchDeadlineMarginMs, 0, 60_000),
    waitForReadyTotalMs: intIn("waitForReadyTotalMs", init.waitForReadyTotalMs ?? d.waitForReadyTotalMs, 1, 600_000),
    waitForReadyIntervalMs: intIn(
      "waitForReadyIntervalMs",
      init.waitForReadyIntervalMs ?? d.waitForReadyIntervalMs,
      1,
      10_000,
    ),
    now,
  });
}

/**
 * SwitchToLive's deadline in ms: the call blocks on the engine until the target time, so
 * the deadline covers `target − now` plus a margin, and is never below `baseTimeoutMs`.
 * A target of 0 (switch at once, legacy) uses `baseTimeoutMs`. Capped at {@link MAX_TIMER_MS}.
 */
export function switchToLiveDeadlineMs(
  targetBoundaryTimeMs: number,
  nowMs: number,
  baseTimeoutMs: number,
  marginMs: number,
): number {
  if (targetBoundaryTimeMs === 0) return Math.min(baseTimeoutMs, MAX_TIMER_MS);
  return Math.min(Math.max(baseTimeoutMs, Math.ceil(targetBoundaryTimeMs - nowMs + marginMs)), MAX_TIMER_MS);
}

function intIn(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new AirClientOptionsError(option, value, `an integer in ${min}–${max}`);
  }
  return value;
}
