import { describe, expect, it } from "vitest";
import { UnknownChannelError, createLineupSchedule, parseLineup } from "../../src/index.js";
import { validLineupDocument } from "./fixtures.js";

const ANCHOR = Date.UTC(2026, 0, 1);
const lineup = parseLineup(validLineupDocument());

describe("createLineupSchedule()", () => {
  const schedule = createLineupSchedule(lineup, { mediaRoot: "/srv/media" });

  it("lists channels and their formats", () => {
    expect(schedule.channelNumbers()).toEqual([1, 2]);
    expect(schedule.programFormat(2).video.width).toBe(640);
    expect(schedule.channel(1).name).toBe("RetroVue One");
  });

  it("loops each playlist from the anchor on an integer-ms grid", () => {
    // Channel 1: 30 s bars then 20 s clock; cycle 50 s.
    expect(schedule.segmentAt(1, ANCHOR)).toMatchObject({ sequence: 0, startMs: ANCHOR, endMs: ANCHOR + 30_000, assetPath: "/srv/media/ch1/bars.ts", title: "Color Bars", description: "SMPTE bars", category: "test", frameCount: 900, assetStartFrame: 0 });
    expect(schedule.segmentAt(1, ANCHOR + 29_999).sequence).toBe(0);
    expect(schedule.segmentAt(1, ANCHOR + 30_000)).toMatchObject({ sequence: 1, startMs: ANCHOR + 30_000, endMs: ANCHOR + 50_000, assetPath: "/srv/media/ch1/clock.ts", frameCount: 599 });
    expect(schedule.segmentAt(1, ANCHOR + 50_000)).toMatchObject({ sequence: 2, startMs: ANCHOR + 50_000 });
    const dayLater = schedule.segmentAt(1, ANCHOR + 86_400_000 + 45_000);
    expect(dayLater).toMatchObject({ sequence: 2 * (86_400_000 / 50_000) + 1, startMs: ANCHOR + 86_400_000 + 30_000 });
  });

  it("extends the grid backwards before the anchor", () => {
    expect(schedule.segmentAt(1, ANCHOR - 1)).toMatchObject({ sequence: -1, startMs: ANCHOR - 20_000, endMs: ANCHOR });
    expect(schedule.segmentAt(1, ANCHOR - 20_001)).toMatchObject({ sequence: -2, startMs: ANCHOR - 50_000, endMs: ANCHOR - 20_000 });
  });

  it("is deterministic: the same question gets the same answer", () => {
    const t = ANCHOR + 123_456_789;
    expect(schedule.segmentAt(1, t)).toEqual(createLineupSchedule(lineup, { mediaRoot: "/srv/media" }).segmentAt(1, t));
  });

  it("lists segments overlapping a window, in order", () => {
    const list = schedule.segmentsBetween(1, ANCHOR + 10_000, ANCHOR + 80_000);
    expect(list.map((s) => [s.sequence, s.startMs - ANCHOR])).toEqual([
      [0, 0],
      [1, 30_000],
      [2, 50_000],
    ]);
    expect(schedule.segmentsBetween(1, ANCHOR, ANCHOR)).toEqual([]);
    expect(() => schedule.segmentsBetween(1, ANCHOR, ANCHOR + 50_000 * 50_001)).toThrow(RangeError);
  });

  it("throws UnknownChannelError for a channel it does not know", () => {
    expect(() => schedule.segmentAt(9, ANCHOR)).toThrow(UnknownChannelError);
    expect(() => schedule.programFormat(9)).toThrow(UnknownChannelError);
    expect(() => schedule.segmentsBetween(9, 0, 0)).toThrow(UnknownChannelError);
  });

  it("joins the lineup's own media root when none is given", () => {
    expect(createLineupSchedule(lineup).segmentAt(2, ANCHOR).assetPath).toBe("media/ch2/loop.ts");
  });
});
