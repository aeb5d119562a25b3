import { execFile } from "node:child_process";
import { CliError, EXIT } from "./cli-error.js";

/** What `lineup scan` needs to know of one media file. */
export interface MediaProbe {
  readonly formatName: string;
  readonly durationSeconds: number | undefined;
  readonly video: { readonly codec: string; readonly width: number; readonly height: number; readonly fps: string; readonly frameCount: number } | undefined;
  readonly audio: { readonly codec: string; readonly sampleRate: number; readonly channels: number } | undefined;
}

/** A file ffprobe could not read as media. */
export class MediaProbeError extends Error {
  override readonly name = "MediaProbeError";
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  sample_rate?: string;
  channels?: number;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

function usableRate(rate: string | undefined): string | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? "");
  if (m === null || Number(m[1]) <= 0 || Number(m[2]) <= 0) return undefined;
  return `${m[1]}/${m[2]}`;
}

/**
 * Probes a file with ffprobe (`ffprobe` on PATH, or `FFPROBE`): container, codecs, size,
 * frame rate and frame count (the stream's `nb_frames`, else its packets counted by
 * demuxing, which MPEG-TS needs). Throws {@link CliError} (exit 3) when ffprobe is missing,
 * {@link MediaProbeError} when the file is not readable media.
 */
export function probeMedia(path: string, ffprobe = process.env["FFPROBE"] ?? "ffprobe"): Promise<MediaProbe> {
  const args = ["-v", "error", "-count_packets", "-show_entries",
    "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets,sample_rate,channels:format=format_name,duration",
    "-of", "json", path];
  return new Promise((resolve, reject) => {
    execFile(ffprobe, args, { maxBuffer: 4 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new CliError(`ffprobe is not installed (looked for ${JSON.stringify(ffprobe)}): install ffmpeg (Debian: apt-get install ffmpeg) or set FFPROBE`, EXIT.unavailable));
        return;
      }
      if (error !== null) {
        const reason = stderr.trim().split("\n").pop() ?? error.message;
        reject(new MediaProbeError(`ffprobe cannot read it as media: ${reason.replace(`${path}: `, "")}`));
        return;
      }
      let parsed: FfprobeOutput;
      try {
        parsed = JSON.parse(stdout) as FfprobeOutput;
      } catch {
        reject(new MediaProbeError("ffprobe printed something that is not JSON"));
        return;
      }
      const video = parsed.streams?.find((s) => s.codec_type === "video");
      const audio = parsed.streams?.find((s) => s.codec_type === "audio");
      const fps = usableRate(video?.avg_frame_rate) ?? usableRate(video?.r_frame_rate);
      const frames = Number(video?.nb_frames ?? Number.NaN);
      const frameCount = Number.isSafeInteger(frames) && frames > 0 ? frames : Number(video?.nb_read_packets ?? 0);
      const duration = Number(parsed.format?.duration ?? Number.NaN);
      resolve({
        formatName: parsed.format?.format_name ?? "unknown",
        durationSeconds: Number.isFinite(duration) ? duration : undefined,
        video:
          video === undefined || fps === undefined
            ? undefined
            : { codec: video.codec_name ?? "unknown", width: video.width ?? 0, height: video.height ?? 0, fps, frameCount },
        audio:
          audio === undefined
            ? undefined
            : { codec: audio.codec_name ?? "unknown", sampleRate: Number(audio.sample_rate ?? 0), channels: audio.channels ?? 0 },
      });
    });
  });
}
