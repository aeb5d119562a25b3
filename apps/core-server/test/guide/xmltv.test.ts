import { describe, expect, it } from "vitest";
import { formatXmltvTime, renderXmltv } from "../../src/guide/index.js";
import { dtdErrors, parseXml, type ParsedXmltv } from "./helpers.js";
import { ANCHOR_MS, HOSTILE_NAME, MINUTE_MS, sampleLineup } from "./lineup-fixture.js";

const BASE = "http://tv.local:8000";

describe("formatXmltvTime()", () => {
  it("formats UTC with an explicit +0000 offset and whole seconds", () => {
    expect(formatXmltvTime(Date.parse("2026-01-01T12:00:00Z"))).toBe("20260101120000 +0000");
    expect(formatXmltvTime(Date.parse("1999-12-31T23:59:59.999Z"))).toBe("19991231235959 +0000");
    expect(formatXmltvTime(0)).toBe("19700101000000 +0000");
  });

  it("rejects instants XMLTV cannot write", () => {
    expect(() => formatXmltvTime(Number.NaN)).toThrow(RangeError);
    expect(() => formatXmltvTime(Date.parse("+010000-01-01T00:00:00Z"))).toThrow(RangeError);
  });
});

describe("renderXmltv()", () => {
  const lineup = sampleLineup();
  const fromMs = ANCHOR_MS + 10 * MINUTE_MS;
  const toMs = ANCHOR_MS + 6 * 60 * MINUTE_MS;
  const xml = renderXmltv({ channels: lineup.channels, schedule: lineup.schedule, fromMs, toMs, baseUrl: BASE });
  const tv = (parseXml(xml) as unknown as ParsedXmltv).tv;

  it("is valid against the XMLTV DTD subset", () => {
    expect(dtdErrors(xml, "xmltv-subset.dtd")).toEqual([]);
  });

  it("lists every channel with its id, display names and usable icon", () => {
    expect(tv.channel?.map((c) => c["@_id"])).toEqual(["1.retrovue", "2.retrovue", "12.retrovue"]);
    expect(tv.channel?.map((c) => c["display-name"].map((d) => d["#text"]))).toEqual([
      ["RetroVue One", "1"],
      // Control characters XML cannot carry are dropped; everything else survives escaping.
      [HOSTILE_NAME.replace(/[\u0000\u0007]/g, ""), "2"],
      ["Movies & More", "12"],
    ]);
    expect(tv.channel?.map((c) => c.icon?.map((i) => i["@_src"]))).toEqual([
      ["https://cdn.example.com/logos/one.png?a=1&b=2"],
      undefined, // javascript: logos are never published
      [`${BASE}/logos/12.png`],
    ]);
  });

  it("has one programme per scheduled segment overlapping the window, matching the schedule", () => {
    const expected = lineup.channels.flatMap((c) =>
      lineup.schedule.segmentsBetween(c.number, fromMs, toMs).map((s) => ({
        "@_start": formatXmltvTime(s.startMs),
        "@_stop": formatXmltvTime(s.endMs),
        "@_channel": `${c.number}.retrovue`,
        title: [s.title],
        desc: s.description === undefined ? undefined : [s.description.replace(/\u0001/g, "")],
        category: s.category === undefined ? undefined : [s.category],
      })),
    );
    const actual = (tv.programme ?? []).map((p) => ({
      "@_start": p["@_start"],
      "@_stop": p["@_stop"],
      "@_channel": p["@_channel"],
      title: p.title.map((t) => t["#text"]),
      desc: p.desc?.map((d) => d["#text"]),
      category: p.category?.map((d) => d["#text"]),
    }));
    expect(actual).toEqual(expected);
    // Window 00:10–06:00: channel 1 (30+60+90 min cycle) has 6 segments, channel 2 (45 min) 8, channel 12 (125 min) 3.
    expect(actual.filter((p) => p["@_channel"] === "1.retrovue")).toHaveLength(6);
    expect(actual.filter((p) => p["@_channel"] === "2.retrovue")).toHaveLength(8);
    expect(actual.filter((p) => p["@_channel"] === "12.retrovue")).toHaveLength(3);
    expect(actual[0]).toMatchObject({ "@_start": "20260101000000 +0000", "@_stop": "20260101003000 +0000" });
  });

  it("keeps a hostile programme title as text, not markup", () => {
    const hostile = tv.programme?.find((p) => p["@_channel"] === "2.retrovue");
    expect(hostile?.title[0]?.["#text"]).toBe(`</title><programme channel="x">`);
    expect(xml).not.toContain("<programme channel=");
  });

  it("orders programmes by start time within each channel, back to back", () => {
    for (const id of ["1.retrovue", "2.retrovue", "12.retrovue"]) {
      const list = (tv.programme ?? []).filter((p) => p["@_channel"] === id);
      for (let i = 1; i < list.length; i += 1) expect(list[i]!["@_start"]).toBe(list[i - 1]!["@_stop"]);
    }
  });

  it("renders the same bytes for the same inputs", () => {
    expect(renderXmltv({ channels: lineup.channels, schedule: lineup.schedule, fromMs, toMs, baseUrl: BASE })).toBe(xml);
  });

  it("rejects an empty window", () => {
    expect(() => renderXmltv({ channels: [], schedule: lineup.schedule, fromMs: 5, toMs: 5, baseUrl: BASE })).toThrow(RangeError);
  });

  it("would fail DTD validation if programmes came before channels (the validator is real)", () => {
    const broken = xml.replace(/(<channel id="1\.retrovue">[\s\S]*?<\/channel>\n)([\s\S]*?)(<\/tv>)/, "$2$1$3");
    expect(dtdErrors(broken, "xmltv-subset.dtd").length).toBeGreaterThan(0);
  });
});
