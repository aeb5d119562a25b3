import { describe, expect, it } from "vitest";
import { defaultGuideWindowOptions, parseGuideWindow } from "../../src/guide/index.js";

const HOUR = 3_600_000;
const BUCKET = 300_000;
const NOW = Date.parse("2026-03-10T12:07:30Z");
const q = (s: string) => new URLSearchParams(s);
const at = (iso: string) => Date.parse(iso);

describe("parseGuideWindow()", () => {
  it("defaults to now − 1 h .. now + 24 h, widened to 5-minute buckets", () => {
    expect(parseGuideWindow(q(""), NOW)).toEqual({
      ok: true,
      window: { fromMs: at("2026-03-10T11:05:00Z"), toMs: at("2026-03-11T12:10:00Z") },
    });
  });

  it("gives every request in the same bucket the same window (so the cache hits)", () => {
    const a = parseGuideWindow(q(""), at("2026-03-10T12:05:00.001Z"));
    const b = parseGuideWindow(q(""), at("2026-03-10T12:09:59.999Z"));
    expect(a).toEqual(b);
    expect(parseGuideWindow(q(""), at("2026-03-10T12:10:00.001Z"))).not.toEqual(a);
  });

  it("accepts explicit from/to instants with Z or an offset", () => {
    expect(parseGuideWindow(q("from=2026-03-10T00:00:00Z&to=2026-03-10T06:00:00%2B01:00"), NOW)).toEqual({
      ok: true,
      window: { fromMs: at("2026-03-10T00:00:00Z"), toMs: at("2026-03-10T05:00:00Z") },
    });
  });

  it("reads hours as the length after now, or after from when given", () => {
    expect(parseGuideWindow(q("hours=2"), NOW)).toEqual({
      ok: true,
      window: { fromMs: at("2026-03-10T11:05:00Z"), toMs: at("2026-03-10T14:10:00Z") },
    });
    expect(parseGuideWindow(q("from=2026-03-12T00:00:00Z&hours=1.5"), NOW)).toEqual({
      ok: true,
      window: { fromMs: at("2026-03-12T00:00:00Z"), toMs: at("2026-03-12T01:30:00Z") },
    });
  });

  it("defaults to a 25 h window when only from is given", () => {
    const result = parseGuideWindow(q("from=2026-03-12T00:00:00Z"), NOW);
    expect(result).toEqual({ ok: true, window: { fromMs: at("2026-03-12T00:00:00Z"), toMs: at("2026-03-13T01:00:00Z") } });
  });

  it("allows exactly 7 days and refuses a millisecond more", () => {
    expect(parseGuideWindow(q("from=2026-03-05T00:00:00Z&to=2026-03-12T00:00:00Z"), NOW).ok).toBe(true);
    expect(parseGuideWindow(q("from=2026-03-05T00:00:00Z&to=2026-03-12T00:00:00.001Z"), NOW)).toMatchObject({
      ok: false,
      problem: { param: "window" },
    });
    // hours counts from now, and the default start is an hour back: 167 h is the most.
    expect(parseGuideWindow(q("hours=167"), NOW).ok).toBe(true);
    expect(parseGuideWindow(q("hours=168"), NOW)).toMatchObject({ ok: false, problem: { param: "window" } });
    expect(parseGuideWindow(q("hours=168.01"), NOW)).toMatchObject({ ok: false, problem: { param: "hours" } });
  });

  it.each([
    ["from=2026-03-10T06:00:00Z&to=2026-03-10T06:00:00Z", "window"],
    ["from=2026-03-10T07:00:00Z&to=2026-03-10T06:00:00Z", "window"],
    ["from=yesterday", "from"],
    ["from=2026-03-10T06:00:00", "from"], // no zone: ambiguous
    ["from=2026-02-30T06:00:00Z&to=2026-03-01T06:00:00Z", "from"], // no Feb 30th
    ["from=2026-03-10T24:00:00Z", "from"],
    ["from=2026-03-10T06:00:00+25:00", "from"],
    ["to=2026-13-01T00:00:00Z", "to"],
    ["hours=0", "hours"],
    ["hours=-2", "hours"],
    ["hours=1e3", "hours"],
    ["hours=abc", "hours"],
    ["hours=2&to=2026-03-10T06:00:00Z", "hours"],
    ["from=2026-03-10T06:00:00Z&from=2026-03-10T07:00:00Z", "from"],
  ])("refuses %s (problem on %s)", (query, param) => {
    const result = parseGuideWindow(q(query), NOW);
    expect(result).toMatchObject({ ok: false, problem: { param } });
  });

  it("exposes its defaults", () => {
    expect(defaultGuideWindowOptions).toEqual({
      defaultPastMs: HOUR,
      defaultFutureMs: 24 * HOUR,
      maxWindowMs: 168 * HOUR,
      bucketMs: BUCKET,
      maxPastMs: 168 * HOUR,
      maxFutureMs: 336 * HOUR,
    });
  });

  it("bounds the window in time around now: from at most 7 days back, to at most 14 days ahead (the set of windows is finite)", () => {
    expect(parseGuideWindow(q("from=2026-03-03T12:07:30Z&hours=1"), NOW).ok).toBe(true);
    expect(parseGuideWindow(q("from=2026-03-03T12:07:29.999Z&hours=1"), NOW)).toMatchObject({ ok: false, problem: { param: "from" } });
    expect(parseGuideWindow(q("from=2026-03-23T12:00:00Z&to=2026-03-24T12:07:30Z"), NOW).ok).toBe(true);
    expect(parseGuideWindow(q("from=2026-03-23T12:00:00Z&to=2026-03-24T12:07:30.001Z"), NOW)).toMatchObject({ ok: false, problem: { param: "to" } });
    expect(parseGuideWindow(q("from=2019-01-01T00:00:00Z&hours=168"), NOW)).toMatchObject({ ok: false, problem: { param: "from" } });
  });
});
