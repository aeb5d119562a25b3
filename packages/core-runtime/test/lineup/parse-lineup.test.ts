import { describe, expect, it } from "vitest";
import { LineupError, parseLineup, parseLineupJson } from "../../src/index.js";
import { clone, validLineupDocument } from "./fixtures.js";

type Doc = ReturnType<typeof validLineupDocument>;
type AnyRecord = Record<string, any>;

/** Applies `mutate` to a fresh valid document and returns the LineupError it causes. */
function errorOf(mutate: (doc: AnyRecord) => void): LineupError {
  const doc = clone(validLineupDocument()) as AnyRecord;
  mutate(doc);
  try {
    parseLineup(doc, "lineup.json");
  } catch (error) {
    expect(error).toBeInstanceOf(LineupError);
    return error as LineupError;
  }
  throw new Error("expected a LineupError");
}

describe("parseLineup()", () => {
  it("returns a typed lineup with both length fields derived", () => {
    const lineup = parseLineup(validLineupDocument() as Doc);
    expect(lineup.anchorMs).toBe(Date.UTC(2026, 0, 1));
    expect(lineup.mediaRoot).toBe("./media");
    const [one, two] = lineup.channels;
    expect(one).toMatchObject({ number: 1, name: "RetroVue One", group: "Retro", logo: "http://example.test/one.png" });
    expect(one!.programFormat).toEqual({
      video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } },
      audio: { sampleRate: 48000, channels: 2 },
    });
    expect(one!.playlist[0]).toEqual({
      path: "ch1/bars.ts",
      title: "Color Bars",
      description: "SMPTE bars",
      category: "test",
      fps: { numerator: 30, denominator: 1 },
      frameCount: 900,
      durationMs: 30_000,
    });
    // 20 s at 29.97 fps = floor(599.4) frames.
    expect(one!.playlist[1]).toMatchObject({ frameCount: 599, durationMs: 20_000, fps: { numerator: 30000, denominator: 1001 } });
    expect(one!.cycleMs).toBe(50_000);
    expect(two!.programFormat.video.frameRate).toEqual({ numerator: 25, denominator: 1 });
  });

  it("defaults mediaRoot to the lineup's directory", () => {
    const doc = clone(validLineupDocument()) as AnyRecord;
    delete doc["mediaRoot"];
    expect(parseLineup(doc).mediaRoot).toBe(".");
  });

  it("rejects unknown fields at every level, naming the field", () => {
    expect(errorOf((d) => (d["colour"] = "red")).issues).toEqual([{ location: "colour", message: expect.stringContaining('unknown field "colour"') }]);
    expect(errorOf((d) => (d.channels[1].epg = true)).location).toBe("channels[1].epg");
    expect(errorOf((d) => (d.channels[0].playlist[1].loop = true)).location).toBe("channels[0].playlist[1].loop");
    expect(errorOf((d) => (d.channels[0].programFormat.video.bitrate = 1)).location).toBe("channels[0].programFormat.video.bitrate");
  });

  it.each([["0/1"], ["30/0"], ["-30/1"], ["29.97"], ["30 / 1"], [""], [30]])("rejects the frame rate %j", (fps) => {
    const error = errorOf((d) => (d.channels[0].playlist[0].fps = fps));
    expect(error.location).toBe("channels[0].playlist[0].fps");
    expect(error.message).toContain("bad frame rate");
  });

  it("rejects a bad program frame rate", () => {
    expect(errorOf((d) => (d.channels[1].programFormat.video.frameRate = "25/0")).location).toBe("channels[1].programFormat.video.frameRate");
  });

  it.each([
    ["frameCount", 0],
    ["frameCount", -5],
    ["durationMs", 0],
    ["durationMs", -1000],
    ["durationMs", 1.5],
  ])("rejects %s = %d", (field, value) => {
    const error = errorOf((d) => {
      const item = d.channels[0].playlist[1];
      delete item.durationMs;
      item[field] = value;
    });
    expect(error.location).toBe(`channels[0].playlist[1].${field}`);
  });

  it("rejects a duration shorter than one frame", () => {
    const error = errorOf((d) => (d.channels[1].playlist[0].durationMs = 39));
    expect(error.issues[0]).toEqual({ location: "channels[1].playlist[0].durationMs", message: expect.stringContaining("shorter than one frame") });
  });

  it("needs exactly one of frameCount and durationMs", () => {
    expect(errorOf((d) => (d.channels[0].playlist[0].durationMs = 30_000)).issues[0]!.message).toContain("not both");
    expect(errorOf((d) => delete d.channels[0].playlist[0].frameCount).issues[0]).toEqual({
      location: "channels[0].playlist[0]",
      message: expect.stringContaining("needs"),
    });
  });

  it("rejects duplicate channel numbers, pointing at the second", () => {
    const error = errorOf((d) => (d.channels[1].number = 1));
    expect(error.issues).toEqual([{ location: "channels[1].number", message: "duplicate channel number 1 (also channels[0])" }]);
  });

  it.each([["../secret.ts"], ["ch1/../../etc/passwd"], ["/etc/passwd"], ["C:/media/a.ts"], ["ch1\\a.ts"], ["ch1/.."], ["."]])(
    "rejects the asset path %j",
    (path) => {
      const error = errorOf((d) => (d.channels[0].playlist[0].path = path));
      expect(error.location).toBe("channels[0].playlist[0].path");
    },
  );

  it("normalises asset paths that stay under the root", () => {
    const doc = clone(validLineupDocument()) as AnyRecord;
    doc.channels[0].playlist[0].path = "ch1/./extra/../bars.ts";
    expect(parseLineup(doc).channels[0]!.playlist[0]!.path).toBe("ch1/bars.ts");
  });

  it("rejects bad anchors, versions and shapes", () => {
    expect(errorOf((d) => (d.anchor = "2026-01-01 00:00:00")).location).toBe("anchor");
    expect(errorOf((d) => (d.anchor = "2026-01-01T00:00:00+01:00")).location).toBe("anchor");
    expect(errorOf((d) => (d.anchor = "2026-13-45T00:00:00Z")).location).toBe("anchor");
    expect(errorOf((d) => (d.version = 2)).location).toBe("version");
    expect(errorOf((d) => (d.channels = [])).location).toBe("channels");
    expect(errorOf((d) => (d.channels[0].playlist = [])).location).toBe("channels[0].playlist");
    expect(errorOf((d) => (d.channels[0].number = 1.5)).location).toBe("channels[0].number");
    expect(errorOf((d) => (d.channels[0].name = "")).location).toBe("channels[0].name");
    expect(errorOf((d) => (d.channels[0].playlist[0].title = 7)).location).toBe("channels[0].playlist[0].title");
  });

  it("reports every problem at once, and the source in the message", () => {
    const error = errorOf((d) => {
      d.channels[0].playlist[0].fps = "x";
      d.channels[1].number = 1;
    });
    expect(error.issues.map((i) => i.location)).toEqual(["channels[0].playlist[0].fps", "channels[1].number"]);
    expect(error.message).toMatch(/^Invalid lineup lineup\.json: channels\[0\]\.playlist\[0\]\.fps: bad frame rate/);
  });

  it("rejects a document that is not an object", () => {
    expect(() => parseLineup([])).toThrow(LineupError);
    expect(() => parseLineup(null)).toThrow(LineupError);
  });
});

describe("parseLineupJson()", () => {
  it("turns a syntax error into a LineupError at $", () => {
    try {
      parseLineupJson("{ nope", "x.json");
      throw new Error("expected a throw");
    } catch (error) {
      expect(error).toBeInstanceOf(LineupError);
      expect((error as LineupError).location).toBe("$");
      expect((error as LineupError).message).toContain("not valid JSON");
    }
  });
});
