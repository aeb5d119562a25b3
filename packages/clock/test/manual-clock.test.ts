import { describe, expect, it } from "vitest";
import { ManualClock, scheduleAt } from "../src/index.js";

describe("ManualClock", () => {
  it("keeps time still until advanced", () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it("fires a timer at its due instant, not 1 ms before", () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 100);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([100]);
    expect(clock.armedTimerCount).toBe(0);
  });

  it("fires due timers in due order, ties in arming order", () => {
    const clock = new ManualClock(0);
    const order: string[] = [];
    clock.setTimeout(() => order.push("b@20"), 20);
    clock.setTimeout(() => order.push("a@10"), 10);
    clock.setTimeout(() => order.push("c@20"), 20);
    clock.advance(50);
    expect(order).toEqual(["a@10", "b@20", "c@20"]);
  });

  it("fires timers armed by callbacks during the same advance", () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 5);
    }, 10);
    clock.advance(20);
    expect(fired).toEqual([10, 15]);
    expect(clock.now()).toBe(20);
  });

  it("reports armed timers and forgets cleared ones", () => {
    const clock = new ManualClock(0);
    const handle = clock.setTimeout(() => {
      throw new Error("cleared timer fired");
    }, 10);
    scheduleAt(clock, 30, () => {});
    expect(clock.armedTimerCount).toBe(2);
    expect(clock.nextDueAtMs).toBe(10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    expect(clock.armedTimerCount).toBe(1);
    clock.advance(30);
    expect(clock.armedTimerCount).toBe(0);
  });

  it("refuses to go back in time", () => {
    const clock = new ManualClock(100);
    expect(() => clock.advanceTo(99)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
