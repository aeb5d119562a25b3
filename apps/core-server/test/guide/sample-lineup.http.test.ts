import { fileURLToPath } from "node:url";
import { createLineupSchedule, loadLineupFile } from "@retrovue/core-runtime";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGuideRoutes, formatXmltvTime, parseGuideWindow } from "../../src/guide/index.js";
import { dtdErrors, parseM3u, parseXml, startHarness, type Harness, type ParsedXmltv } from "./helpers.js";

// The lineup the server ships with, through core-runtime's lineup-backed ScheduleSource.
const SAMPLE = fileURLToPath(new URL("../../lineup/sample-lineup.json", import.meta.url));
const NOW = Date.parse("2026-05-01T18:02:00Z");

describe("guide routes over the shipped sample lineup", () => {
  let loaded: Awaited<ReturnType<typeof loadLineupFile>>;
  let harness: Harness | undefined;

  beforeAll(async () => {
    loaded = await loadLineupFile(SAMPLE);
  });

  afterEach(async () => {
    await harness?.close();
    expect(harness?.openSockets()).toBe(0);
    harness = undefined;
  });

  async function start(): Promise<Harness> {
    const schedule = createLineupSchedule(loaded.lineup, { mediaRoot: loaded.mediaRoot });
    const routes = createGuideRoutes({
      lineup: () => ({ version: "sample", channels: loaded.lineup.channels, schedule }),
      clock: { now: () => NOW },
      deviceId: "12345674",
      tunerCount: 2,
    });
    harness = await startHarness(routes);
    return harness;
  }

  it("lists every lineup channel in the playlist, the HDHomeRun lineup and the guide, with the same ids", async () => {
    const { origin } = await start();
    const channels = loaded.lineup.channels;
    const m3u = parseM3u(await (await fetch(`${origin}/playlist.m3u`)).text());
    const hdhr = (await (await fetch(`${origin}/lineup.json`)).json()) as Array<{ GuideNumber: string; GuideName: string; URL: string }>;
    const tv = (parseXml(await (await fetch(`${origin}/guide.xml?hours=1`)).text()) as unknown as ParsedXmltv).tv;

    expect(m3u.entries.map((e) => [e.attrs["tvg-id"], e.attrs["tvg-name"], e.attrs["group-title"], e.url])).toEqual(
      channels.map((c) => [`${c.number}.retrovue`, c.name, c.group, `${origin}/channels/${c.number}/stream.ts`]),
    );
    expect(hdhr.map((e) => [e.GuideNumber, e.GuideName, e.URL])).toEqual(
      channels.map((c) => [String(c.number), c.name, `${origin}/channels/${c.number}/stream.ts`]),
    );
    expect(tv.channel?.map((c) => [c["@_id"], c["display-name"][0]?.["#text"]])).toEqual(channels.map((c) => [`${c.number}.retrovue`, c.name]));
  });

  // Renders, DTD-validates and parses ~2 MB of XML: slow on a loaded machine, so a generous timeout.
  it("serves a DTD-valid guide with one programme per scheduled segment, with title, desc and category", { timeout: 20_000 }, async () => {
    const { origin } = await start();
    const xml = await (await fetch(`${origin}/guide.xml`)).text();
    expect(dtdErrors(xml, "xmltv-subset.dtd")).toEqual([]);
    const programmes = (parseXml(xml) as unknown as ParsedXmltv).tv.programme ?? [];

    const window = parseGuideWindow(new URLSearchParams(), NOW);
    if (!window.ok) throw new Error("default window refused");
    const schedule = createLineupSchedule(loaded.lineup, { mediaRoot: loaded.mediaRoot });
    const expected = loaded.lineup.channels.flatMap((c) =>
      schedule.segmentsBetween(c.number, window.window.fromMs, window.window.toMs).map((s) => ({
        channel: `${c.number}.retrovue`,
        start: formatXmltvTime(s.startMs),
        stop: formatXmltvTime(s.endMs),
        title: s.title,
        desc: s.description,
        category: s.category,
      })),
    );
    const actual = programmes.map((p) => ({
      channel: p["@_channel"],
      start: p["@_start"],
      stop: p["@_stop"],
      title: p.title[0]?.["#text"],
      desc: p.desc?.[0]?.["#text"],
      category: p.category?.[0]?.["#text"],
    }));
    expect(actual).toEqual(expected);
    // 30 s / 40 s clips over a 25 h window: thousands of programmes, none without a title.
    expect(actual.length).toBeGreaterThan(4 * 2000);
  });
});
