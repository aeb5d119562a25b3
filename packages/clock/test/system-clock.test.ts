import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SystemClock } from "../src/index.js";

// Node's timers and Date.now() are faked: no real waiting.
describe("SystemClock", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ["setTimeout", "clearTimeout", "setImmediate", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs a timer at its due instant, not before", () => {
    const clock = new SystemClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 100);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([1_000_100]);
  });

  it("runs timers due at the same millisecond from one Node timer, in arming order", () => {
    const clock = new SystemClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push("a"), 50);
    clock.setTimeout(() => order.push("b"), 50);
    clock.setTimeout(() => order.push("early"), 10);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(50);
    expect(order).toEqual(["early", "a", "b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never runs a cleared timer, even when cleared by a sibling due at the same instant", () => {
    const clock = new SystemClock();
    const order: string[] = [];
    let second: ReturnType<SystemClock["setTimeout"]> | undefined;
    clock.setTimeout(() => {
      order.push("first");
      clock.clearTimeout(second!);
    }, 20);
    second = clock.setTimeout(() => order.push("second"), 20);
    const third = clock.setTimeout(() => order.push("third"), 30);
    clock.clearTimeout(third);
    clock.clearTimeout(third);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(order).toEqual(["first"]);
  });

  it("gives a timer armed during a run its own turn (not the running batch)", () => {
    const clock = new SystemClock();
    const order: string[] = [];
    clock.setTimeout(() => {
      order.push("outer");
      clock.setTimeout(() => order.push("inner"), 0);
      order.push("after-arm");
    }, 5);
    vi.advanceTimersByTime(5);
    expect(order).toEqual(["outer", "after-arm"]);
    vi.advanceTimersByTime(1); // Node (and its fake) run a 0 ms timer after 1 ms
    expect(order).toEqual(["outer", "after-arm", "inner"]);
  });

  it("waits out the rest when Node wakes it early", () => {
    const clock = new SystemClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(Date.now()), 100);
    // Wall time steps back (e.g. the loop's cached time lagging): Node's timer comes due first.
    vi.setSystemTime(999_990);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual([1_000_100]);
  });

  it("keeps running the batch when a callback throws, and reports the error on a fresh task", () => {
    const clock = new SystemClock();
    const order: string[] = [];
    clock.setTimeout(() => {
      throw new Error("boom");
    }, 5);
    clock.setTimeout(() => order.push("next"), 5);
    vi.advanceTimersByTime(5);
    expect(order).toEqual(["next"]);
    expect(() => vi.runOnlyPendingTimers()).toThrow("boom");
  });

  it("steps through delays longer than Node's limit instead of firing at once", () => {
    const clock = new SystemClock();
    const fired: number[] = [];
    const delay = 2 ** 31 + 1000;
    clock.setTimeout(() => fired.push(Date.now()), delay);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1001);
    expect(fired).toEqual([1_000_000 + delay]);
  });
});
