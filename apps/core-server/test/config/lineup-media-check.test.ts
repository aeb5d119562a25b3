// The lineup media check against real ffprobe, with media made by ffmpeg at test time.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLineupMedia, type MediaCheckItem } from "../../src/config/lineup-media-check.js";
import { loadServerLineup } from "../../src/index.js";
import { configErrorOf } from "../support/config-error-of.js";
import { cleanupTempDirs, makeTempDir } from "../support/test-server.js";

const ffmpeg = (args: string[]) => execFileSync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args]);
const av = (seconds: number) => ["-f", "lavfi", "-i", `testsrc=size=64x48:rate=30:duration=${seconds}`, "-f", "lavfi", "-i", `sine=duration=${seconds}`];

let dir: string;
let media: string;

beforeAll(() => {
  dir = makeTempDir();
  media = join(dir, "media");
  execFileSync("mkdir", ["-p", media]);
  // good.ts: 2 s = 60 frames, H.264 + AAC in MPEG-TS; good.mp4 the same in MP4; short.ts 1 s;
  // tone.mp3 audio only; notes.txt not media; mpeg2.ts MPEG-2 video.
  ffmpeg([...av(2), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "mpegts", join(media, "good.ts")]);
  ffmpeg([...av(2), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", join(media, "good.mp4")]);
  ffmpeg([...av(1), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "mpegts", join(media, "short.ts")]);
  ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", join(media, "tone.mp3")]);
  ffmpeg([...av(2), "-c:v", "mpeg2video", "-c:a", "aac", "-f", "mpegts", join(media, "mpeg2.ts")]);
  writeFileSync(join(media, "notes.txt"), "not media\n");
}, 60_000);
afterAll(cleanupTempDirs);

const item = (name: string, frameCount = 60, a = 0): MediaCheckItem => ({ location: `channels[0].playlist[${a}]`, path: join(media, name), frameCount });

// ffprobe runs take ~1 s each on a loaded 2-core machine.
const SLOW = 90_000;

describe("checkLineupMedia", () => {
  it("accepts MPEG-TS and MP4 with H.264 + AAC as long as the item", () => {
    const r = checkLineupMedia([item("good.ts", 60), item("good.mp4", 60, 1)], { cacheFile: null });
    expect(r).toEqual({ problems: [], probed: 2 });
  }, SLOW);

  it("reports every bad file at once: wrong format, audio only, not media, too short", () => {
    const items = [item("good.ts", 60, 0), item("short.ts", 60, 1), item("tone.mp3", 30, 2), item("notes.txt", 30, 3), item("mpeg2.ts", 30, 4)];
    const r = checkLineupMedia(items, { cacheFile: null, concurrency: 2 });
    expect(r.problems.map((p) => p.location)).toEqual([
      "channels[0].playlist[1].frameCount",
      "channels[0].playlist[2].path",
      "channels[0].playlist[3].path",
      "channels[0].playlist[4].path",
    ]);
    const [short, mp3, text, mpeg2] = r.problems.map((p) => p.message);
    expect(short).toBe(`${join(media, "short.ts")} has 30 frames, fewer than the item's 60 (the engine would show black for the rest)`);
    expect(mp3).toContain("is not MPEG-TS or MP4 with H.264 video and AAC audio (found: mp3 container, video none, audio mp3)");
    expect(text).toContain("cannot be read as media (ffprobe: ");
    expect(mpeg2).toContain("video mpeg2video, audio aac");
  }, SLOW);

  it("caches probes by path, size and mtime: a restart probes nothing, a changed file is probed again", () => {
    const cacheFile = join(dir, "cache", "probe.json");
    expect(checkLineupMedia([item("good.ts"), item("short.ts", 30, 1)], { cacheFile }).probed).toBe(2);
    expect(existsSync(cacheFile)).toBe(true);
    expect(checkLineupMedia([item("good.ts"), item("short.ts", 30, 1)], { cacheFile })).toEqual({ problems: [], probed: 0 });
    const later = new Date(Date.now() + 5000);
    utimesSync(join(media, "short.ts"), later, later);
    expect(checkLineupMedia([item("good.ts"), item("short.ts", 30, 1)], { cacheFile }).probed).toBe(1);
    // A corrupt cache is ignored, not fatal.
    writeFileSync(cacheFile, "{ nope");
    expect(checkLineupMedia([item("good.ts")], { cacheFile }).probed).toBe(1);
  }, SLOW);

  it("without ffprobe checks nothing and says so in one line", () => {
    const r = checkLineupMedia([item("notes.txt")], { cacheFile: null, ffprobePath: join(dir, "no-such-ffprobe") });
    expect(r.problems).toEqual([]);
    expect(r.warning).toMatch(/^ffprobe \(.*no-such-ffprobe\) was not found, so the lineup's media formats and lengths were not checked; install ffmpeg to check them at load\.$/);
  }, SLOW);
});

describe("loadServerLineup with the media check", () => {
  const writeLineup = (playlist: Array<{ path: string; frameCount: number }>): string => {
    const file = join(dir, `lineup-${playlist.length}.json`);
    const channel = (number: number) => ({
      number,
      name: `Ch ${number}`,
      programFormat: { video: { width: 64, height: 48, frameRate: "30/1" }, audio: { sampleRate: 44100, channels: 1 } },
      playlist: playlist.map((p, i) => ({ path: p.path, title: `Item ${i}`, fps: "30/1", frameCount: p.frameCount })),
    });
    writeFileSync(file, JSON.stringify({ version: 1, anchor: "2026-01-01T00:00:00Z", mediaRoot: "./media", channels: [channel(1)] }));
    return file;
  };

  it("reports media problems with the missing files, all at once, with locations", () => {
    const file = writeLineup([
      { path: "good.ts", frameCount: 60 },
      { path: "gone.ts", frameCount: 60 },
      { path: "short.ts", frameCount: 45 },
      { path: "tone.mp3", frameCount: 30 },
    ]);
    const error = configErrorOf(() => loadServerLineup(file, { probe: { cacheFile: null } }));
    expect(error.problems.map((p) => p.message.split(":")[0])).toEqual([
      "channels[0].playlist[1].path",
      "channels[0].playlist[2].frameCount",
      "channels[0].playlist[3].path",
    ]);
    for (const p of error.problems) expect(p.option).toBe("--lineup / RETROVUE_LINEUP");
  }, SLOW);

  it("`warn` loads the lineup and warns per problem; `off` does not probe", () => {
    const file = writeLineup([{ path: "short.ts", frameCount: 45 }]);
    const warnings: string[] = [];
    const loaded = loadServerLineup(file, { mediaCheck: "warn", warn: (m) => warnings.push(m), probe: { cacheFile: null } });
    expect(loaded.lineup.channels).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("has 30 frames, fewer than the item's 45");
    const none: string[] = [];
    loadServerLineup(file, { mediaCheck: "off", warn: (m) => none.push(m), probe: { ffprobePath: join(dir, "no-such-ffprobe") } });
    expect(none).toEqual([]);
  }, SLOW);

  it("loads with a one-line warning when ffprobe is missing", () => {
    const file = writeLineup([{ path: "notes.txt", frameCount: 30 }]);
    const warnings: string[] = [];
    loadServerLineup(file, { warn: (m) => warnings.push(m), probe: { cacheFile: null, ffprobePath: join(dir, "no-such-ffprobe") } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain("\n");
  }, SLOW);
});

it("the shipped sample lineup passes the media check", async () => {
  const { sampleLineupPath } = await import("../../src/index.js");
  const warnings: string[] = [];
  expect(() => loadServerLineup(sampleLineupPath(), { warn: (m) => warnings.push(m), probe: { cacheFile: null } })).not.toThrow();
  expect(warnings).toEqual([]);
  expect(readFileSync(sampleLineupPath(), "utf8")).toContain("frameCount");
}, SLOW);
