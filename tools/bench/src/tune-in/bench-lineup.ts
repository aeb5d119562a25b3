import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Frames per item (60 s at 30 fps): long enough that most tries see no boundary. */
export const ITEM_FRAMES = 1_800;
/** Clip length, s: longer than an item, so the real engine never runs off the end of a file. */
const CLIP_SECONDS = 65;
const MEDIA_DIR = "/tmp/retrovue-bench-media-v1";

const CLIPS = [
  { name: "a.ts", video: "testsrc2=size=320x240:rate=30", tone: 1000 },
  { name: "b.ts", video: "smptebars=size=320x240:rate=30", tone: 440 },
] as const;

/**
 * Makes (once, cached under /tmp) two 65 s clips like the shipped samples (H.264 320x240
 * 30 fps with a keyframe every second, AAC stereo 48 kHz, MPEG-TS) with ffmpeg, and
 * writes a two-channel lineup into `dir` that plays them as 60 s items. Returns its path.
 */
export function writeBenchLineup(dir: string): string {
  mkdirSync(MEDIA_DIR, { recursive: true });
  for (const clip of CLIPS) {
    const path = join(MEDIA_DIR, clip.name);
    if (existsSync(path)) continue;
    const partial = `${path}.partial.ts`;
    execFileSync(
      "ffmpeg",
      [
        "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", clip.video,
        "-f", "lavfi", "-i", `sine=frequency=${clip.tone}:sample_rate=48000`,
        "-t", String(CLIP_SECONDS),
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-ac", "2", "-ar", "48000",
        "-f", "mpegts", partial,
      ],
      { stdio: "inherit" },
    );
    renameSync(partial, path);
  }
  const format = { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } };
  const channel = (number: number, first: string, second: string) => ({
    number,
    name: `Bench ${number}`,
    group: "Bench",
    programFormat: format,
    playlist: [first, second].map((name) => ({ path: name, title: name, fps: "30/1", frameCount: ITEM_FRAMES })),
  });
  const lineup = { version: 1, anchor: "2026-01-01T00:00:00Z", mediaRoot: MEDIA_DIR, channels: [channel(1, "a.ts", "b.ts"), channel(2, "b.ts", "a.ts")] };
  const path = join(dir, "bench-lineup.json");
  writeFileSync(path, JSON.stringify(lineup, null, 2));
  return path;
}
