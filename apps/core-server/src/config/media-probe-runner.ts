/**
 * Source of a small Node program that runs ffprobe on many files at once (at most
 * `concurrency` at a time) and prints one JSON object: path → {@link MediaProbe}. The lineup
 * is loaded synchronously (before the server listens), and Node cannot wait for several child
 * processes synchronously, so {@link probeMediaFiles} runs this program with `spawnSync`.
 * Input (stdin, JSON): `{ ffprobe, files, concurrency, timeoutMs }`.
 */
export const MEDIA_PROBE_RUNNER_SOURCE = String.raw`
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const run = (args) => new Promise((resolve) =>
  execFile(input.ffprobe, ["-v", "error", ...args], { maxBuffer: 16 << 20, timeout: input.timeoutMs }, (error, stdout, stderr) =>
    resolve({ error, stdout: String(stdout), stderr: String(stderr) })));
async function probe(path) {
  // One run: -count_packets demuxes the whole file (no decode), since MPEG-TS has no frame count in its headers.
  const a = await run(["-count_packets", "-show_entries", "format=format_name:stream=codec_type,codec_name,nb_frames,nb_read_packets", "-of", "json", path]);
  if (a.error) return { ok: false, error: (a.stderr.trim().split("\n").pop() || a.error.message).trim() };
  let info;
  try { info = JSON.parse(a.stdout); } catch { return { ok: false, error: "unreadable ffprobe output" }; }
  const streams = info.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video");
  const audio = streams.find((s) => s.codec_type === "audio");
  const count = (v) => (/^\d+$/.test(String(v)) ? Number(v) : null);
  const frames = video === undefined ? null : (count(video.nb_frames) ?? count(video.nb_read_packets));
  return { ok: true, format: info.format?.format_name ?? "", video: video?.codec_name ?? null, audio: audio?.codec_name ?? null, frames };
}
const results = {};
let next = 0;
const worker = async () => {
  while (next < input.files.length) {
    const file = input.files[next++];
    results[file] = await probe(file);
  }
};
await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, input.files.length)) }, worker));
process.stdout.write(JSON.stringify(results));
`;

/** What ffprobe said about one file. */
export type MediaProbe =
  | { readonly ok: true; readonly format: string; readonly video: string | null; readonly audio: string | null; readonly frames: number | null }
  | { readonly ok: false; readonly error: string };
