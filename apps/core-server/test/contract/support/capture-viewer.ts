import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { classifyFfmpegErrorLines, type FfmpegErrorLines } from "./ffmpeg-error-lines.js";

/** One read of a captured stream: when it arrived and where it starts in the capture. */
export interface CapturedChunk {
  readonly atMs: number;
  readonly offset: number;
  readonly length: number;
}

/** A real HTTP viewer that keeps every byte of the stream, with arrival times. */
export interface CaptureViewer {
  readonly status: number;
  readonly bytes: number;
  readonly chunks: readonly CapturedChunk[];
  readonly isOpen: boolean;
  /** The bytes so far. */
  capture(): Buffer;
  /** Resolves once at least `n` bytes arrived; rejects after `timeoutMs` or if the response ends first. */
  waitForBytes(n: number, timeoutMs?: number): Promise<void>;
  /** Leaves (destroys the request). Idempotent. */
  leave(): void;
}

/** Opens `url` over its own connection and resolves at the response head. */
export function openCaptureViewer(url: string): Promise<CaptureViewer> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = httpRequest(url, { method: "GET", agent: false, headers: { connection: "close" } }, (res) => {
      const parts: Buffer[] = [];
      const chunks: CapturedChunk[] = [];
      let bytes = 0;
      let open = true;
      const wake = new Set<() => void>();
      res.on("data", (chunk: Buffer) => {
        parts.push(chunk);
        chunks.push({ atMs: Date.now(), offset: bytes, length: chunk.length });
        bytes += chunk.length;
        for (const w of wake) w();
      });
      const finish = (): void => {
        open = false;
        for (const w of wake) w();
      };
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
      resolve({
        status: res.statusCode ?? 0,
        get bytes() {
          return bytes;
        },
        chunks,
        get isOpen() {
          return open;
        },
        capture: () => Buffer.concat(parts),
        waitForBytes(n, timeoutMs = 15_000) {
          return new Promise<void>((done, fail) => {
            const check = (): void => {
              if (bytes >= n) return settle();
              if (!open) settle(new Error(`the stream ended after ${bytes} bytes, before ${n}`));
            };
            const timer = setTimeout(() => settle(new Error(`only ${bytes} of ${n} bytes after ${timeoutMs} ms`)), timeoutMs);
            const settle = (error?: Error): void => {
              clearTimeout(timer);
              wake.delete(check);
              if (error) fail(error);
              else done();
            };
            wake.add(check);
            check();
          });
        },
        leave() {
          open = false;
          req.destroy();
        },
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The longest pause between two reads after `sinceMs`: the splice gap (last byte before → first byte after). */
export function longestGapAfter(chunks: readonly CapturedChunk[], sinceMs: number): { gapMs: number; lastBeforeAtMs: number; resumeOffset: number } {
  let best = { gapMs: -1, lastBeforeAtMs: 0, resumeOffset: 0 };
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1] as CapturedChunk;
    const next = chunks[i] as CapturedChunk;
    if (next.atMs < sinceMs) continue;
    const gapMs = next.atMs - prev.atMs;
    if (gapMs > best.gapMs) best = { gapMs, lastBeforeAtMs: prev.atMs, resumeOffset: next.offset };
  }
  return best;
}

const run = promisify(execFile);

/** What `ffmpeg -v error -i capture.ts -f null -` printed for `capture`, split by {@link classifyFfmpegErrorLines}. */
export async function ffmpegDecodeErrors(capture: Buffer, dir: string, name: string): Promise<FfmpegErrorLines> {
  const path = join(dir, name);
  writeFileSync(path, capture);
  const { stderr } = await run("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"], { maxBuffer: 16 * 1024 * 1024 });
  return classifyFfmpegErrorLines(stderr);
}

/** Video frames ffprobe counts in `path` (decoded), for a sanity check that the capture holds picture. */
export async function ffprobeVideoFrames(dir: string, name: string): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", join(dir, name)]);
  return Number(stdout.trim().split("\n")[0]);
}
