import { describe, expect, it } from "vitest";
import { renderM3u } from "../../src/guide/index.js";
import { parseM3u } from "./helpers.js";
import { sampleLineup } from "./lineup-fixture.js";

const BASE = "http://192.168.1.5:8000";

describe("renderM3u()", () => {
  const { channels } = sampleLineup();
  const text = renderM3u({ channels, baseUrl: BASE });
  const playlist = parseM3u(text);

  it("announces the guide URL in the #EXTM3U header", () => {
    expect(playlist.header).toEqual({ "url-tvg": `${BASE}/guide.xml`, "x-tvg-url": `${BASE}/guide.xml` });
  });

  it("has exactly one entry per channel, in lineup order, pointing at its stream", () => {
    expect(playlist.entries.map((e) => e.url)).toEqual([
      `${BASE}/channels/1/stream.ts`,
      `${BASE}/channels/2/stream.ts`,
      `${BASE}/channels/12/stream.ts`,
    ]);
    expect(playlist.entries.map((e) => e.attrs["tvg-id"])).toEqual(["1.retrovue", "2.retrovue", "12.retrovue"]);
    expect(playlist.entries.map((e) => e.attrs["tvg-chno"])).toEqual(["1", "2", "12"]);
    expect(playlist.entries.every((e) => e.duration === "-1")).toBe(true);
  });

  it("carries name, group and logo (only a usable logo)", () => {
    expect(playlist.entries[0]).toEqual({
      duration: "-1",
      attrs: {
        "tvg-id": "1.retrovue",
        "tvg-name": "RetroVue One",
        "tvg-chno": "1",
        "group-title": "Retro",
        "tvg-logo": "https://cdn.example.com/logos/one.png?a=1&b=2",
      },
      title: "RetroVue One",
      url: `${BASE}/channels/1/stream.ts`,
    });
    expect(playlist.entries[1]?.attrs["tvg-logo"]).toBeUndefined();
    expect(playlist.entries[2]?.attrs["tvg-logo"]).toBe(`${BASE}/logos/12.png`);
    expect(playlist.entries[2]?.attrs["group-title"]).toBe("");
  });

  it("cannot be broken by a hostile channel name: no extra lines, entries or attributes", () => {
    const hostile = playlist.entries[1]!;
    expect(Object.keys(hostile.attrs)).toEqual(["tvg-id", "tvg-name", "tvg-chno", "group-title"]);
    expect(hostile.attrs["tvg-name"]).not.toMatch(/["\r\n]/);
    expect(hostile.attrs["group-title"]).toBe("Gr'oup");
    expect(hostile.title).toContain("<script>alert('x')</script> & co");
    expect(hostile.title).not.toMatch(/[\r\n\u0000-\u001f]/);
    expect(text.split("\n").filter((l) => l.startsWith("#EXTINF"))).toHaveLength(3);
  });

  it("renders an empty lineup as a header-only playlist", () => {
    expect(parseM3u(renderM3u({ channels: [], baseUrl: BASE })).entries).toEqual([]);
  });
});
