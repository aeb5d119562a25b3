import { describe, expect, it } from "vitest";
import { LineupError, createLineupSchedule, parseLineup } from "../../src/index.js";
import { clone, validLineupDocument } from "./fixtures.js";

type AnyRecord = Record<string, any>;

function withFallback(value: unknown): AnyRecord {
  const doc = clone(validLineupDocument()) as AnyRecord;
  doc["channels"][0]["fallback"] = value;
  return doc;
}

describe("lineup channel fallback clip", () => {
  it("accepts a media path under the root, normalised, and the schedule resolves it", () => {
    const lineup = parseLineup(withFallback("slates/./off-air.ts"));
    expect(lineup.channels[0]!.fallback).toBe("slates/off-air.ts");
    expect(lineup.channels[1]!.fallback).toBeUndefined();
    const schedule = createLineupSchedule(lineup, { mediaRoot: "/srv/media" });
    expect(schedule.fallbackAssetPath?.(1)).toBe("/srv/media/slates/off-air.ts");
    expect(schedule.fallbackAssetPath?.(2)).toBeUndefined();
    expect(createLineupSchedule(lineup).fallbackAssetPath?.(1)).toBe("media/slates/off-air.ts");
  });

  it.each([
    ["an absolute path", "/etc/passwd"],
    ["a path escaping the media root", "../outside.ts"],
    ["a backslash path", "slates\\off.ts"],
    ["a non-string", 42],
  ])("refuses %s with the field's location", (_name, value) => {
    let caught: unknown;
    try {
      parseLineup(withFallback(value), "lineup.json");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LineupError);
    expect((caught as LineupError).issues.map((i) => i.location)).toContain("channels[0].fallback");
  });
});
