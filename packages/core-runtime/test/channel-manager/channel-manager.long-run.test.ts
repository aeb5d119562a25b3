import { describe, expect, it } from "vitest";
import { createLineupSchedule, isLegalBoundaryMove, parseLineup } from "../../src/index.js";
import { createHarness } from "../helpers/harness.js";
import { validLineupDocument } from "../lineup/fixtures.js";

describe("ChannelManager long run", () => {
  it("reaches LIVE at every boundary of 3 hours with the exact target times", async () => {
    const lineup = parseLineup(validLineupDocument());
    const schedule = createLineupSchedule(lineup, { mediaRoot: "/srv/media" });
    const startMs = lineup.anchorMs + 86_400_000 + 12_345;
    const h = createHarness({ schedule, startMs });
    const firstLive = await h.startLive();
    const endMs = startMs + 3 * 3_600_000;
    await h.advanceTo(endMs);

    const expected = schedule
      .segmentsBetween(1, firstLive + 1, endMs)
      .map((s) => s.startMs)
      .filter((b) => b > firstLive && b <= endMs - 1);
    const lives = h.events.flatMap((e) => (e.type === "live" ? [e] : []));
    expect(lives[0]!.boundaryMs).toBe(firstLive);
    expect(lives.slice(1).map((e) => e.boundaryMs)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(400);
    for (const live of lives) expect(live.atMs).toBe(live.boundaryMs); // the engine answers at the target
    for (const call of h.engine.callsOf("switchToLive").slice(1)) {
      const p = call.params as { targetBoundaryTimeMs: number; issuedAtTimeMs: number };
      expect(expected).toContain(p.targetBoundaryTimeMs);
      expect(p.issuedAtTimeMs).toBe(p.targetBoundaryTimeMs - 5500);
    }
    for (const e of h.events) if (e.type === "state") expect(isLegalBoundaryMove(e.from, e.to)).toBe(true);
    expect(h.manager.fatalReason).toBeUndefined();
    expect(h.logger.matching("boundary skipped")).toEqual([]);
    expect(h.tracked.armedCount).toBe(1);
  });
});
