import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { sampleLineupPath } from "@retrovue/core-server";

/** Which clips the bench plays: the shipped sample clips, or 65 s clips made with ffmpeg. */
export type BenchMedia = "sample" | "generated";

/** Frames per item (60 s at 30 fps): long enough that most tries see no boundary. */
export const ITEM_FRAMES = 1_800;
/** Clip length, s: longer than an item, so the real engine never runs off the end of a file. */
const CLIP_SECONDS = 65;
const MEDIA_DIR = "/tmp/retrovue-bench-media-v2";

const CLIPS = [
  { name: "a.ts", video: "testsrc2=size=320x240:rate=30", tone: 1000 },
  { name: "b.ts", video: "smptebars=size=320x240:rate=30", tone: 440 },
] as const;

/**
 * Writes a two-channel lineup into `dir` that plays two clips as 60 s items and returns its
 * path. `sample`: the first clips of channels 1 and 2 of the shipped sample lineup (an
 * engine pads a shorter clip with black, fine for timing); `generated`: two 65 s clips like
 * the shipped ones (H.264 320x240 30 fps, a keyframe a second, AAC stereo 48 kHz, MPEG-TS)
 * made once with ffmpeg under /tmp.
 */
export function writeBenchLineup(dir: string, media: BenchMedia): string {
  const [first, second] = media === "sample" ? sampleClips() : generatedClips();
  const format = { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } };
  const channel = (number: number, a: string, b: string) => ({
    number,
    name: `Bench ${number}`,
    group: "Bench",
    programFormat: format,
    // Paths relative to the media root "/" (a lineup takes only relative ones).
    playlist: [a, b].map((path) => ({ path: path.replace(/^\/+/, ""), title: basename(path), fps: "30/1", frameCount: ITEM_FRAMES })),
  });
  const lineup = { version: 1, anchor: "2026-01-01T00:00:00Z", mediaRoot: "/", channels: [channel(1, first, second), channel(2, second, first)] };
  const path = join(dir, "bench-lineup.json");
  writeFileSync(path, JSON.stringify(lineup, null, 2));
  return path;
}

/** Absolute paths of the first items of channels 1 and 2 of the shipped sample lineup. */
function sampleClips(): [string, string] {
  const path = sampleLineupPath();
  const doc = JSON.parse(readFileSync(path, "utf8")) as { mediaRoot?: string; channels: Array<{ playlist: Array<{ path: string }> }> };
  const root = resolve(dirname(path), doc.mediaRoot ?? ".");
  const clip = (i: number): string => resolve(root, doc.channels[i]?.playlist[0]?.path ?? "");
  return [clip(0), clip(1)];
}

function generatedClips(): [string, string] {
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
        // As apps/core-server/scripts/make-sample-media.sh encodes the shipped clips.
        "-c:v", "libx264", "-profile:v", "main", "-preset", "veryfast", "-crf", "30", "-maxrate", "300k", "-bufsize", "600k",
        "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-ac", "2", "-ar", "48000",
        "-f", "mpegts", "-mpegts_flags", "+resend_headers", partial,
      ],
      { stdio: "inherit" },
    );
    renameSync(partial, path);
  }
  return [join(MEDIA_DIR, CLIPS[0].name), join(MEDIA_DIR, CLIPS[1].name)];
}
