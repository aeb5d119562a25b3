import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadServerLineup, sampleLineupPath } from "../../src/index.js";
import { configErrorOf } from "../support/config-error-of.js";
import { cleanupTempDirs, makeTempDir } from "../support/test-server.js";

afterEach(cleanupTempDirs);

const sample = JSON.parse(readFileSync(sampleLineupPath(), "utf8")) as { channels: Array<Record<string, unknown>> } & Record<string, unknown>;

function writeLineup(document: unknown, media: string[] = []): string {
  const dir = makeTempDir();
  for (const path of media) {
    mkdirSync(join(dir, "media", path, ".."), { recursive: true });
    writeFileSync(join(dir, "media", path), "x");
  }
  const file = join(dir, "lineup.json");
  writeFileSync(file, JSON.stringify(document));
  return file;
}


describe("loadServerLineup", () => {
  it("loads the sample lineup with absolute asset paths under its media root and a content version", () => {
    const loaded = loadServerLineup(sampleLineupPath());
    expect(loaded.mediaRoot).toBe(join(sampleLineupPath(), "..", "..", "media"));
    expect(loaded.schedule.channelNumbers()).toEqual([1, 2, 3, 4]);
    expect(loaded.schedule.segmentAt(1, Date.parse("2026-01-01T00:00:00Z")).assetPath).toBe(join(loaded.mediaRoot, "ch1", "bars.ts"));
    expect(loaded.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it("turns every lineup issue into a --lineup problem with its location", () => {
    const broken = { ...sample, channels: [{ ...sample.channels[0], number: 0, playlist: [{ path: "../x.ts", title: "X", fps: "0/1", frameCount: 10 }] }] };
    const file = writeLineup(broken);
    const error = configErrorOf(() => loadServerLineup(file));
    expect(error.problems.length).toBeGreaterThanOrEqual(2);
    for (const problem of error.problems) expect(problem.option).toBe("--lineup / RETROVUE_LINEUP");
    expect(error.message).toContain("channels[0].playlist[0]");
  });

  it("reports each missing media file", () => {
    const document = {
      version: 1,
      anchor: "2026-01-01T00:00:00Z",
      mediaRoot: "./media",
      channels: [
        {
          number: 1,
          name: "One",
          programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
          playlist: [
            { path: "a.ts", title: "A", fps: "30/1", frameCount: 900 },
            { path: "gone.ts", title: "B", fps: "30/1", frameCount: 900 },
          ],
        },
      ],
    };
    const file = writeLineup(document, ["a.ts"]);
    // Placeholder files ("x"): only the existence check here (the media check has its own tests).
    const error = configErrorOf(() => loadServerLineup(file, { mediaCheck: "off" }));
    expect(error.problems).toEqual([
      { option: "--lineup / RETROVUE_LINEUP", message: `channels[0].playlist[1].path: no such media file ${join(file, "..", "media", "gone.ts")}` },
    ]);
  });

  it("reports a file that is not JSON", () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, "lineup.json"), "{ not json");
    expect(configErrorOf(() => loadServerLineup(join(dir, "lineup.json"))).problems).toHaveLength(1);
  });
});
