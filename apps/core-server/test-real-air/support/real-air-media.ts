import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Length of every clip, s: longer than an item, so no item runs into the engine's black padding. */
export const CLIP_SECONDS = 12;

/** The clips the suite plays: distinct pictures and tones, so a boundary is visible and audible. */
const CLIPS = [
  { name: "testsrc2-440hz.ts", video: "testsrc2=size=320x240:rate=30", tone: 440 },
  { name: "smptebars-880hz.ts", video: "smptehdbars=size=320x240:rate=30", tone: 880 },
] as const;

/**
 * Makes the suite's media with Debian's ffmpeg: H.264 (keyframe every second) + stereo AAC
 * 48 kHz in MPEG-TS, 320x240 at 30 fps, {@link CLIP_SECONDS} each. About a second each.
 */
export function makeClips(dir: string): string[] {
  for (const clip of CLIPS) makeClip(dir, clip.name, CLIP_SECONDS, clip.video, clip.tone);
  return CLIPS.map((c) => c.name);
}

/**
 * One clip like the suite's, `seconds` long: H.264 (keyframe every second) + stereo AAC 48 kHz
 * in MPEG-TS, 320x240 at 30 fps; `video` a lavfi source, `tone` a sine frequency.
 */
export function makeClip(dir: string, name: string, seconds: number, video: string, tone: number): void {
  execFileSync("nice", [
    "-n", "10", "ffmpeg", "-v", "error", "-y",
    "-f", "lavfi", "-i", video,
    "-f", "lavfi", "-i", `sine=frequency=${tone}:sample_rate=48000`,
    "-t", String(seconds), "-map", "0:v", "-map", "1:a",
    "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-ac", "2", "-b:a", "96k",
    "-f", "mpegts", join(dir, name),
  ], { stdio: ["ignore", "ignore", "pipe"] });
}
