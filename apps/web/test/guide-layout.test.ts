import { describe, expect, it } from "vitest";
import { layoutRow, nowAndNext, stepChannel, tickStepMs, timeTicks, type Programme } from "../src/guide-layout.js";

const p = (title: string, startMs: number, endMs: number): Programme => ({ title, startMs, endMs });

describe("layoutRow()", () => {
  it("places programmes as percentages of the window, clipped at both ends, and marks the one on air", () => {
    const blocks = layoutRow([p("a", 0, 100), p("b", 100, 300), p("c", 300, 500)], 50, 450, 120);
    expect(blocks.map((b) => [b.programme.title, b.leftPct, b.widthPct, b.onAir, b.clippedStart])).toEqual([
      ["a", 0, 12.5, false, true],
      ["b", 12.5, 50, true, false],
      ["c", 62.5, 37.5, false, false],
    ]);
  });

  it("leaves out programmes outside the window and returns nothing for an empty window", () => {
    expect(layoutRow([p("before", 0, 50), p("after", 450, 500)], 50, 450, 100)).toEqual([]);
    expect(layoutRow([p("a", 0, 100)], 100, 100, 100)).toEqual([]);
  });
});

describe("timeTicks() and tickStepMs()", () => {
  it("puts ticks on round instants inside the window", () => {
    expect(timeTicks(90_000, 330_000, 60_000)).toEqual([
      { atMs: 120_000, leftPct: 12.5 },
      { atMs: 180_000, leftPct: 37.5 },
      { atMs: 240_000, leftPct: 62.5 },
      { atMs: 300_000, leftPct: 87.5 },
    ]);
  });

  it("chooses a step that gives at most 12 ticks", () => {
    expect(tickStepMs(10 * 60_000)).toBe(60_000);
    expect(tickStepMs(30 * 60_000)).toBe(5 * 60_000);
    expect(tickStepMs(180 * 60_000)).toBe(15 * 60_000);
  });
});

describe("nowAndNext() and stepChannel()", () => {
  it("finds the programme on air and the one after it", () => {
    const row = [p("a", 0, 100), p("b", 100, 200), p("c", 200, 300)];
    expect(nowAndNext(row, 100)).toEqual({ now: row[1], next: row[2] });
    expect(nowAndNext(row, 250)).toEqual({ now: row[2] });
    expect(nowAndNext(row, 400)).toEqual({});
  });

  it("steps through channel numbers in order and wraps around", () => {
    expect(stepChannel([4, 1, 2], 2, 1)).toBe(4);
    expect(stepChannel([4, 1, 2], 4, 1)).toBe(1);
    expect(stepChannel([4, 1, 2], 1, -1)).toBe(4);
    expect(stepChannel([4, 1, 2], 9, 1)).toBe(1);
    expect(stepChannel([], 1, 1)).toBeUndefined();
  });
});
