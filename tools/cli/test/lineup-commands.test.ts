import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupTempDirs, makeTempDir, runCli } from "./support/run-cli.js";

afterEach(cleanupTempDirs);

const SAMPLE = fileURLToPath(new URL("../../../apps/core-server/lineup/sample-lineup.json", import.meta.url));

/** A real clip made by ffmpeg: H.264 + AAC in MPEG-TS, `seconds` long at `rate` fps. */
function makeClip(path: string, seconds: number, rate: string): void {
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc=size=160x120:rate=${rate}:duration=${seconds}`,
    "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-f", "mpegts", path,
  ]);
}

describe("retrovue lineup check", () => {
  it("passes the shipped sample lineup", async () => {
    const run = await runCli(["lineup", "check", SAMPLE]);
    expect(run.stdout).toBe(`${SAMPLE}: ok (4 channels, 8 items)\n`);
    expect(run.code).toBe(0);
  });

  it("lists every problem at once and exits 1", async () => {
    const dir = makeTempDir();
    const sample = JSON.parse(readFileSync(SAMPLE, "utf8")) as { channels: Array<Record<string, unknown>> };
    const broken = {
      ...sample,
      mediaRoot: join(SAMPLE, "..", "..", "media"),
      channels: [
        { ...sample.channels[0], programFormat: { video: { width: 320, height: 240, frameRate: "0/1" }, audio: { sampleRate: 48000, channels: 2 } } },
        { ...sample.channels[1], number: 1 },
        { ...sample.channels[2], playlist: [{ path: "../escape.ts", title: "X", fps: "25/1", frameCount: 10 }] },
      ],
    };
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify(broken));
    const run = await runCli(["lineup", "check", file, "--json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: Array<{ location: string; message: string }> };
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.location)).toEqual(
      expect.arrayContaining(["channels[0].programFormat.video.frameRate", "channels[1].number", "channels[2].playlist[0].path"]),
    );
    const table = await runCli(["lineup", "check", file]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`^${file}: ${result.problems.length} problem\\(s\\)\\nLOCATION\\s+PROBLEM\\n`));
  });

  it("reports missing media and logo files", async () => {
    const dir = makeTempDir();
    const sample = JSON.parse(readFileSync(SAMPLE, "utf8")) as { channels: Array<Record<string, unknown>> };
    const file = join(dir, "lineup.json");
    writeFileSync(file, JSON.stringify({ ...sample, mediaRoot: "media", channels: [{ ...sample.channels[0], logo: "logos/none.png" }] }));
    const run = await runCli(["lineup", "check", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`channels[0].playlist[0].path  no such media file ${join(dir, "media", "ch1", "bars.ts")}`);
    expect(run.stdout).toContain(`channels[0].logo              no such logo file ${join(dir, "media", "logos", "none.png")}`);
  });
});

describe("retrovue lineup scan", () => {
  it("probes every clip (format, codecs, fps, frames), writes a lineup that checks clean, and names the files it skipped", async () => {
    const media = makeTempDir();
    mkdirSync(join(media, "cartoons"));
    mkdirSync(join(media, "news"));
    makeClip(join(media, "cartoons", "episode_one.ts"), 2, "25");
    makeClip(join(media, "cartoons", "episode_two.ts"), 1, "25");
    makeClip(join(media, "news", "bulletin.ts"), 1, "30000/1001");
    writeFileSync(join(media, "news", "notes.txt"), "not a video\n");
    const out = join(makeTempDir(), "scanned.json");

    const run = await runCli(["lineup", "scan", media, "--out", out, "--anchor", "2026-01-01T00:00:00Z"]);
    expect(run.code).toBe(1); // one file skipped
    expect(run.stderr).toMatch(/^retrovue: skipped news\/notes\.txt: ffprobe cannot read it as media: .+\n/);
    expect(run.stderr).toContain("retrovue: note: 3 item(s) are shorter than 10 s (e.g. cartoons/episode_one.ts, 2.0 s)");
    expect(run.stdout).toMatch(/cartoons\/episode_one\.ts\s+mpegts\s+h264\s+aac\s+25\/1\s+50\s+ok/);
    expect(run.stdout).toMatch(/news\/bulletin\.ts\s+mpegts\s+h264\s+aac\s+30000\/1001\s+30\s+ok/);
    expect(run.stdout).toContain(`wrote ${out}: 2 channel(s), 3 item(s)`);

    const lineup = JSON.parse(readFileSync(out, "utf8")) as {
      anchor: string;
      channels: Array<{ number: number; name: string; programFormat: { video: { frameRate: string; width: number } }; playlist: Array<{ path: string; title: string; fps: string; frameCount: number }> }>;
    };
    expect(lineup.anchor).toBe("2026-01-01T00:00:00Z");
    expect(lineup.channels.map((c) => [c.number, c.name, c.programFormat.video.frameRate, c.programFormat.video.width])).toEqual([
      [1, "Cartoons", "25/1", 160],
      [2, "News", "30000/1001", 160],
    ]);
    expect(lineup.channels[0]?.playlist).toEqual([
      { path: "cartoons/episode_one.ts", title: "Episode one", fps: "25/1", frameCount: 50 },
      { path: "cartoons/episode_two.ts", title: "Episode two", fps: "25/1", frameCount: 25 },
    ]);
    const check = await runCli(["lineup", "check", out]);
    expect(check.stdout).toBe(`${out}: ok (2 channels, 3 items)\n`);
    expect(check.code).toBe(0);

    const again = await runCli(["lineup", "scan", media, "--out", out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`retrovue: ${out} exists: pass --force to overwrite it`);
  });

  it("fails with a clear message when ffprobe is missing, and on an empty folder", async () => {
    const media = makeTempDir();
    writeFileSync(join(media, "clip.ts"), "x");
    const missing = await runCli(["lineup", "scan", media, "--out", "-"], { FFPROBE: "/nonexistent/ffprobe" });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('retrovue: ffprobe is not installed (looked for "/nonexistent/ffprobe"): install ffmpeg (Debian: apt-get install ffmpeg) or set FFPROBE\n');
    const empty = await runCli(["lineup", "scan", makeTempDir(), "--out", "-"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no playable media under .+; nothing written\n$/);
  });
});
