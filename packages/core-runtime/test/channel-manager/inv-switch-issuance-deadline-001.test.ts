import { describe, expect, it } from "vitest";
import { createHarness, T0 } from "../helpers/harness.js";

describe("INV-SWITCH-ISSUANCE-DEADLINE-001", () => {
  it("issues SwitchToLive at boundary − MIN_PREFEED − 500 ms exactly, for every boundary", async () => {
    const h = createHarness();
    await h.startLive();
    await h.advance(300_000);
    const switches = h.engine.callsOf("switchToLive");
    expect(switches.length).toBe(11);
    for (const call of switches) {
      const { targetBoundaryTimeMs, issuedAtTimeMs } = call.params as { targetBoundaryTimeMs: number; issuedAtTimeMs: number };
      expect(issuedAtTimeMs).toBe(targetBoundaryTimeMs - 5500);
      expect(call.atMs).toBe(issuedAtTimeMs);
    }
    expect(h.metrics.switchLeadMs.every((ms) => ms === 5500)).toBe(true);
  });

  it("follows a configured MIN_PREFEED: preload at boundary − (MIN_PREFEED + 2 s), switch at boundary − MIN_PREFEED − 500", async () => {
    const h = createHarness({ startMs: 995_000, options: { minPrefeedLeadMs: 8000 } });
    expect(await h.startLive()).toBe(1_005_000);
    const planned = await h.runUntil("PLANNED");
    expect(planned).toBe(1_020_000 - 10_000);
    await h.runUntil("SWITCH_ISSUED");
    expect(h.engine.callsOf("switchToLive").at(-1)!.params).toMatchObject({ targetBoundaryTimeMs: 1_020_000, issuedAtTimeMs: 1_011_500 });
  });

  it("issues exactly 50 ms late without counting it late (the tolerance)", async () => {
    const h = createHarness();
    h.tracked.lagMs = 50;
    await h.start();
    await h.runUntil("SWITCH_ISSUED");
    expect(h.engine.callsOf("switchToLive")[0]!.params).toMatchObject({ issuedAtTimeMs: T0 + 1550, targetBoundaryTimeMs: T0 + 7000 });
    expect(h.logger.matching("SwitchToLive issued")[0]!.fields).toMatchObject({ lateByMs: 50 });
    expect(h.metrics.switchesLateMs).toEqual([]);
  });

  it("sends a switch 51 ms late with its exact planned target, counted (WARN + metric), and goes LIVE on time", async () => {
    const h = createHarness();
    h.tracked.lagMs = 51;
    await h.start();
    expect(await h.runUntil("LIVE")).toBe(T0 + 7000);
    expect(h.engine.callsOf("switchToLive")[0]!.params).toMatchObject({ issuedAtTimeMs: T0 + 1551, targetBoundaryTimeMs: T0 + 7000 });
    expect(h.metrics.switchesLateMs).toEqual([51]);
    const late = h.logger.matching("issued 51 ms late")[0]!;
    expect(late.level).toBe("warn");
    expect(late.fields).toMatchObject({ invariant: "INV-SWITCH-ISSUANCE-DEADLINE-001", lateByMs: 51, leadMs: 5449 });
  });

  it("still sends a switch 500 ms late: its lead is exactly MIN_PREFEED", async () => {
    const h = createHarness();
    h.tracked.lagMs = 500;
    await h.start();
    expect(await h.runUntil("LIVE")).toBe(T0 + 7000);
    expect(h.engine.callsOf("switchToLive")[0]!.params).toMatchObject({ issuedAtTimeMs: T0 + 2000, targetBoundaryTimeMs: T0 + 7000 });
    expect(h.metrics.switchLeadMs).toEqual([5000]);
    expect(h.manager.boundaryState).toBe("LIVE");
  });

  it("goes FAILED_TERMINAL, sending nothing, once the switch can no longer carry MIN_PREFEED (501 ms late)", async () => {
    const h = createHarness();
    h.tracked.lagMs = 501;
    await h.start();
    const at = await h.runUntil("FAILED_TERMINAL");
    expect(at).toBe(T0 + 2001);
    expect(h.engine.count("switchToLive")).toBe(0);
    expect(h.manager.fatalReason).toBe(
      `SwitchToLive for boundary ${T0 + 7000} can no longer carry MIN_PREFEED: issued 501 ms late, lead 4999 ms < 5000 ms`,
    );
    expect(h.logger.withInvariant("INV-SWITCH-ISSUANCE-DEADLINE-001")[0]!.level).toBe("error");
  });

  it("goes FAILED_TERMINAL when the LoadPreview is not accepted by the issuance instant, not 1 ms before", async () => {
    const h = createHarness();
    await h.driveTo("PLANNED"); // LoadPreview hangs
    await h.advance(1499);
    expect(h.manager.boundaryState).toBe("PLANNED");
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain("not accepted by the switch issuance instant");
    expect(h.engine.callsOf("loadPreview")[0]!.outcome).toMatchObject({ ok: false, failure: { error: "aborted" } });
    expect(h.engine.count("switchToLive")).toBe(0);
  });
});
