import { describe, expect, it } from "vitest";
import { ChannelManager, ManualClock, type Clock, type TimerHandle } from "../../src/index.js";
import { FakeEngine } from "../helpers/fake-engine.js";
import { FixedSchedule } from "../helpers/fixed-schedule.js";
import { createHarness, settle, T0 } from "../helpers/harness.js";

/** A clock whose timers never fire: only explicit tick() calls move the manager. */
class DeafClock implements Clock {
  armed = 0;
  constructor(readonly inner: ManualClock) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(): TimerHandle {
    this.armed += 1;
    return { timerId: -this.armed };
  }
  clearTimeout(): void {}
}

describe("ChannelManager tick() and its one timer", () => {
  it("tick() is idempotent: repeated calls at one instant change nothing more", async () => {
    const h = createHarness();
    await h.start();
    await h.advance(1500); // SwitchToLive issued here
    const calls = h.engineCalls();
    const events = h.events.length;
    for (let i = 0; i < 5; i++) h.manager.tick();
    await h.settle();
    expect(h.engineCalls()).toBe(calls);
    expect(h.events.length).toBe(events);
  });

  it("keeps at most one timer armed, always for the next due instant", async () => {
    const h = createHarness();
    const samples: Array<number | undefined> = [];
    h.manager.subscribe(() => {
      expect(h.tracked.armedCount).toBeLessThanOrEqual(1);
      samples.push(h.tracked.armedDueAtMs()[0]);
    });
    await h.startLive();
    await h.advance(120_000);
    expect(h.tracked.armedCount).toBe(1);
    expect(h.tracked.armedDueAtMs()).toEqual([h.manager.snapshot().nextDueAtMs]);
    // LIVE rests with one timer, for the next preload.
    expect(h.manager.snapshot().nextDueAtMs).toBe(h.manager.snapshot().nextBoundaryMs! - 7000);
    expect(samples.length).toBeGreaterThan(20);
  });

  it("arms few timers: about one per rule instant, no polling", async () => {
    const h = createHarness();
    await h.startLive();
    const before = h.tracked.armedTotal;
    await h.advance(300_000); // 10 boundaries
    // Per boundary: preload, issuance, answer deadline (cleared at LIVE) — never a periodic tick.
    expect(h.tracked.armedTotal - before).toBeLessThanOrEqual(10 * 3);
  });

  it("evaluates every time rule from tick() alone when timers never fire", async () => {
    const clock = new ManualClock(T0);
    const deaf = new DeafClock(clock);
    const engine = new FakeEngine(clock, { switchAnswer: "instant" });
    const manager = new ChannelManager({ channelNumber: 1, engine, schedule: new FixedSchedule(), clock: deaf }, { sessionStart: "scheduled" });
    await manager.start();
    await settle();
    expect(manager.boundaryState).toBe("SWITCH_SCHEDULED");
    clock.advanceTo(T0 + 1499);
    manager.tick();
    expect(engine.count("switchToLive")).toBe(0);
    clock.advanceTo(T0 + 1500);
    manager.tick();
    await settle();
    expect(engine.callsOf("switchToLive")[0]!.params).toMatchObject({ issuedAtTimeMs: T0 + 1500, targetBoundaryTimeMs: T0 + 7000 });
    expect(manager.boundaryState).toBe("LIVE");
    clock.advanceTo(1_013_000);
    manager.tick();
    expect(manager.boundaryState).toBe("PLANNED");
    manager.dispose();
  });

  it("delivers events raised by a listener after the current ones (mailbox order)", async () => {
    const h = createHarness();
    const order: string[] = [];
    h.manager.subscribe((e) => {
      order.push(e.type === "state" ? `state:${e.to}` : e.type);
      if (e.type === "state" && e.to === "SWITCH_ISSUED") h.manager.requestTeardown("viewer_inactive");
    });
    await h.startLive();
    expect(order).toEqual([
      "state:PLANNED",
      "state:PRELOAD_ISSUED",
      "state:SWITCH_SCHEDULED",
      "state:SWITCH_ISSUED",
      "state:LIVE",
      "live",
      "teardown-ready",
    ]);
  });

  it("survives a throwing listener and logs it", async () => {
    const h = createHarness();
    h.manager.subscribe(() => {
      throw new Error("listener bug");
    });
    expect(await h.startLive()).toBe(T0 + 7000);
    expect(h.logger.matching("listener threw").length).toBeGreaterThan(0);
  });

  it("unsubscribe stops delivery; dispose is idempotent and clears everything", async () => {
    const h = createHarness();
    const seen: string[] = [];
    const off = h.manager.subscribe((e) => seen.push(e.type));
    await h.start();
    off();
    off();
    const count = seen.length;
    await h.advance(1500);
    expect(seen.length).toBe(count);
    h.manager.dispose();
    h.manager.dispose();
    expect(h.tracked.armedCount).toBe(0);
    expect(h.engine.callsOf("switchToLive")[0]!.outcome).toMatchObject({ failure: { error: "aborted" } });
    await h.advance(60_000);
    expect(h.manager.snapshot().phase).toBe("disposed");
    expect(h.manager.requestTeardown("shutdown")).toBe(true);
  });
});
