import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { classifyFfmpegErrorLines } from "../../test/contract/support/ffmpeg-error-lines.js";

const TS_PACKET = 188;

/** What ffprobe and ffmpeg say about a captured MPEG-TS, from its first to its last video keyframe. */
export interface StreamVerdict {
  /** Codec names of the judged range's streams by type, e.g. { video: ["h264"], audio: ["aac"] }. */
  readonly codecs: Readonly<Record<string, readonly string[]>>;
  /** Video keyframes in the whole capture. */
  readonly keyframes: number;
  /** Byte range judged: [first keyframe's TS packet, last keyframe's TS packet). */
  readonly judgedBytes: readonly [number, number];
  /** That range, written beside the capture (`<file>.judged.ts`). */
  readonly judgedFile: string;
  /** Seconds of video in the judged range (last − first video PTS). */
  readonly videoSeconds: number;
  /** Audio packets in the judged range. */
  readonly audioPackets: number;
  /** Seconds of audio in the judged range: from the first audio packet's PTS to the last one's end. */
  readonly audioSeconds: number;
  /** Decode errors `ffmpeg -v error -i … -f null -` printed for the judged range (see classifyFfmpegErrorLines). */
  readonly decodeErrors: readonly string[];
  /** ffmpeg's null-muxer timestamp-order lines (not decode failures; see classifyFfmpegErrorLines). */
  readonly timestampWarnings: readonly string[];
}

interface ProbePacket {
  readonly pts_time?: string;
  readonly pos?: string;
  readonly flags?: string;
}

function packets(file: string, stream: "v" | "a"): ProbePacket[] {
  const json = execFileSync("ffprobe", ["-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time,pos,flags", "-of", "json", file], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(json) as { packets?: ProbePacket[] }).packets ?? [];
}

function slice(file: string, start: number, end: number, to: string): void {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(end - start);
    readSync(fd, buffer, 0, buffer.length, start);
    writeFileSync(to, buffer);
  } finally {
    closeSync(fd);
  }
}

/**
 * Judges `file`: cuts it from the TS packet holding the first video keyframe to the one
 * holding the last (a capture ends mid-GOP when the viewer leaves, and a decoder may say so),
 * then lists the streams with ffprobe and decodes everything with ffmpeg at `-v error`.
 */
export function judgeStream(file: string): StreamVerdict {
  const keyframes = packets(file, "v").filter((p) => (p.flags ?? "").startsWith("K") && p.pos !== undefined && p.pos !== "N/A");
  if (keyframes.length < 2) throw new Error(`${file}: ${keyframes.length} video keyframe(s); need two to judge a range`);
  const start = Math.floor(Number(keyframes[0]!.pos) / TS_PACKET) * TS_PACKET;
  const end = Math.floor(Number(keyframes.at(-1)!.pos) / TS_PACKET) * TS_PACKET;
  const judged = `${file}.judged.ts`;
  slice(file, start, end, judged);

  const streams = JSON.parse(
    execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "json", judged], { encoding: "utf8" }),
  ) as { streams?: Array<{ codec_type?: string; codec_name?: string }> };
  const codecs: Record<string, string[]> = {};
  for (const s of streams.streams ?? []) (codecs[s.codec_type ?? "?"] ??= []).push(s.codec_name ?? "?");

  const video = packets(judged, "v").map((p) => Number(p.pts_time)).filter(Number.isFinite);
  const videoSeconds = video.length === 0 ? 0 : Math.max(...video) - Math.min(...video);
  // Audio seconds from the packets' own timestamps (first to last, plus one AAC frame of 1024
  // samples at 48 kHz): the stream header's sample rate may be unreadable in a cut range.
  const audio = packets(judged, "a").map((p) => Number(p.pts_time)).filter(Number.isFinite);
  const audioPackets = audio.length;
  const audioSeconds = audio.length === 0 ? 0 : Math.max(...audio) - Math.min(...audio) + 1024 / 48_000;

  const decode = spawnSync("ffmpeg", ["-nostdin", "-v", "error", "-i", judged, "-f", "null", "-"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const { decodeErrors: decoded, timestampWarnings } = classifyFfmpegErrorLines(decode.stderr);
  const decodeErrors = [...decoded];
  if (decode.status !== 0 && decodeErrors.length === 0) decodeErrors.push(`ffmpeg exited with ${decode.status}`);
  return { codecs, keyframes: keyframes.length, judgedBytes: [start, end], judgedFile: judged, videoSeconds, audioPackets, audioSeconds, decodeErrors, timestampWarnings };
}
