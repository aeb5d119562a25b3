import { describe, expect, test } from "vitest";
import { ManualClock } from "../src/manual-clock.js";

describe("ManualClock", () => {
  test("fires due timers in order, each at its own instant, and never goes back", () => {
    const clock = new ManualClock(1_000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(["b", clock.now()]), 20);
    const cancelled = clock.setTimeout(() => seen.push(["x", clock.now()]), 15);
    clock.setTimeout(() => {
      seen.push(["a", clock.now()]);
      clock.setTimeout(() => seen.push(["c", clock.now()]), 5);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.advance(19);
    expect(seen).toEqual([["a", 1_010], ["c", 1_015]]);
    clock.advance(1);
    expect(seen.at(-1)).toEqual(["b", 1_020]);
    expect(clock.armedTimerCount).toBe(0);
    expect(() => clock.advanceTo(1_019)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
