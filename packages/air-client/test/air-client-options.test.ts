import { describe, expect, it } from "vitest";
import {
  AIR_METHODS,
  AirClientOptionsError,
  DEFAULT_AIR_CLIENT_OPTIONS,
  MAX_TIMER_MS,
  resolveAirClientOptions,
  switchToLiveDeadlineMs,
  type AirClientOptionsInit,
} from "../src/index.js";

describe("resolveAirClientOptions", () => {
  it("fills the documented defaults", () => {
    const o = resolveAirClientOptions();
    expect(o.timeoutsMs.GetVersion).toBe(2000);
    for (const m of AIR_METHODS.filter((m) => m !== "GetVersion")) expect(o.timeoutsMs[m]).toBe(5000);
    expect(o.switchDeadlineMarginMs).toBe(2000);
    expect(o.waitForReadyTotalMs).toBe(10_000);
    expect(o.waitForReadyIntervalMs).toBe(100);
    expect(o.now).toBe(Date.now);
    expect(DEFAULT_AIR_CLIENT_OPTIONS.timeoutsMs).toEqual(o.timeoutsMs);
  });

  it("merges per-method timeouts over the defaults and freezes the result", () => {
    const now = (): number => 7;
    const o = resolveAirClientOptions({ timeoutsMs: { StopChannel: 750 }, switchDeadlineMarginMs: 0, now });
    expect(o.timeoutsMs.StopChannel).toBe(750);
    expect(o.timeoutsMs.StartChannel).toBe(5000);
    expect(o.switchDeadlineMarginMs).toBe(0);
    expect(o.now).toBe(now);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.timeoutsMs)).toBe(true);
  });

  it.each([
    [{ timeoutsMs: { GetVersion: 0 } }, "timeoutsMs.GetVersion"],
    [{ timeoutsMs: { SwitchToLive: 1.5 } }, "timeoutsMs.SwitchToLive"],
    [{ timeoutsMs: { StopChannel: 600_001 } }, "timeoutsMs.StopChannel"],
    [{ timeoutsMs: { Bogus: 5 } }, "timeoutsMs.Bogus"],
    [{ switchDeadlineMarginMs: -1 }, "switchDeadlineMarginMs"],
    [{ waitForReadyTotalMs: Number.NaN }, "waitForReadyTotalMs"],
    [{ waitForReadyIntervalMs: 0 }, "waitForReadyIntervalMs"],
    [{ now: 5 }, "now"],
    [{ timeoutMs: 5 }, "timeoutMs"],
  ])("rejects %j naming %s", (init, option) => {
    let caught: unknown;
    try {
      resolveAirClientOptions(init as unknown as AirClientOptionsInit);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AirClientOptionsError);
    expect((caught as AirClientOptionsError).option).toBe(option);
  });
});

describe("switchToLiveDeadlineMs", () => {
  const now = 1_000_000;

  it("covers the wait until the target plus the margin", () => {
    expect(switchToLiveDeadlineMs(now + 8000, now, 5000, 2000)).toBe(10_000);
  });

  it("never goes below the base timeout", () => {
    expect(switchToLiveDeadlineMs(now + 1000, now, 5000, 2000)).toBe(5000);
    expect(switchToLiveDeadlineMs(now - 60_000, now, 5000, 2000)).toBe(5000);
  });

  it("uses the base timeout for target 0 (switch at once)", () => {
    expect(switchToLiveDeadlineMs(0, now, 5000, 2000)).toBe(5000);
  });

  it("rounds a fractional wait up and caps at the largest timer delay", () => {
    expect(switchToLiveDeadlineMs(now + 8000.2, now, 5000, 2000)).toBe(10_001);
    expect(switchToLiveDeadlineMs(now + 2 ** 40, now, 5000, 2000)).toBe(MAX_TIMER_MS);
  });
});
