import { execFileSync } from "node:child_process";

/** Runs ffmpeg (quiet) and returns stdout. */
export function ffmpeg(args: readonly string[]): Buffer {
  return execFileSync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", ...args], { maxBuffer: 512 * 1024 * 1024 });
}

/** Makes a test clip: testsrc picture + sine tone, H.264 (no B-frames, key frame every `gop`) + AAC in MPEG-TS. */
export function makeClip(path: string, o: { seconds: number; fps: number; gop: number; width?: number; height?: number }): void {
  const size = `${o.width ?? 160}x${o.height ?? 120}`;
  ffmpeg([
    "-y", "-f", "lavfi", "-i", `testsrc=size=${size}:rate=${o.fps}:duration=${o.seconds}`,
    "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${o.seconds}`,
    "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", String(o.gop), "-keyint_min", String(o.gop), "-sc_threshold", "0",
    "-c:a", "aac", "-ac", "2", "-b:a", "64k", "-f", "mpegts", path,
  ]);
}

/** Decode errors ffmpeg reports for a capture (empty = clean). */
export function decodeErrors(path: string): string {
  try {
    return ffmpeg(["-i", path, "-f", "null", "-"]).toString();
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

/** Mean luma (0–255, full range) of every decoded picture of a capture. */
export function pictureLuma(path: string, width: number, height: number): number[] {
  const raw = ffmpeg(["-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"]);
  const size = width * height;
  const out: number[] = [];
  for (let at = 0; at + size <= raw.length; at += size) {
    let sum = 0;
    for (let i = at; i < at + size; i++) sum += raw[i] as number;
    out.push(sum / size);
  }
  return out;
}

/** Packet counts and total durations (s) per stream type, from ffprobe. */
export function streamDurations(path: string): { video: { packets: number; seconds: number }; audio: { packets: number; seconds: number } } {
  const csv = execFileSync("ffprobe", ["-v", "error", "-show_entries", "packet=codec_type,duration_time", "-of", "csv=p=0", path], { maxBuffer: 64 * 1024 * 1024 }).toString();
  const r = { video: { packets: 0, seconds: 0 }, audio: { packets: 0, seconds: 0 } };
  for (const line of csv.split("\n")) {
    const [type, duration] = line.split(",");
    if (type !== "video" && type !== "audio") continue;
    r[type].packets++;
    r[type].seconds += Number(duration) || 0;
  }
  return r;
}

/** Number of video packets ffprobe flags as key frames. */
export function keyFrameCount(path: string): number {
  const csv = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=flags", "-of", "csv=p=0", path]).toString();
  return csv.split("\n").filter((line) => line.startsWith("K")).length;
}

/** RMS (0–32768) of the decoded audio (s16, all channels) between `fromS` and `toS`. */
export function audioRms(path: string, fromS: number, toS: number): number {
  const raw = ffmpeg(["-i", path, "-vn", "-af", `atrim=${fromS}:${toS}`, "-f", "s16le", "-ac", "1", "-ar", "48000", "-"]);
  let sum = 0;
  const n = Math.floor(raw.length / 2);
  for (let i = 0; i < n; i++) sum += raw.readInt16LE(i * 2) ** 2;
  return n === 0 ? Number.NaN : Math.sqrt(sum / n);
}
