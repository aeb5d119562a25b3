/**
 * `node dist/check-stream-main.js [URL] [SECONDS]` (`pnpm --filter @retrovue/core-server
 * check-stream`): reads a channel stream for a few seconds and says whether it is a valid
 * MPEG-TS a player can play. Exit 0 if so, 1 if not. Default URL
 * http://127.0.0.1:8000/channels/1/stream.ts, default 5 s from the first byte (it waits up
 * to 30 s for a cold channel to start).
 */
import { captureStream } from "./media/capture-stream.js";

const STREAM_TYPES: Readonly<Record<number, string>> = { 0x1b: "H.264", 0x24: "HEVC", 0x02: "MPEG-2 video", 0x0f: "AAC", 0x03: "MPEG audio", 0x04: "MPEG audio", 0x81: "AC-3" };

async function main(): Promise<void> {
  const url = process.argv[2] ?? "http://127.0.0.1:8000/channels/1/stream.ts";
  const seconds = Number(process.argv[3] ?? 5);
  if (!(seconds > 0 && seconds <= 600)) {
    process.stderr.write("usage: check-stream [URL] [SECONDS 1-600]\n");
    process.exitCode = 2;
    return;
  }
  const capture = await captureStream(url, { durationMs: seconds * 1000 });
  const lines = [
    `${url}: HTTP ${capture.status}, ${capture.contentType ?? "no content type"}, ${capture.bytes} bytes in ${capture.elapsedMs} ms`,
    `  ${capture.probe.packets} packets, ${capture.probe.patCount} PAT, PMT pid ${capture.probe.pmtPid ?? "-"}, ` +
      `${capture.probe.syncErrors} sync errors, ${capture.probe.continuityErrors} continuity errors`,
    ...capture.probe.streams.map((s) => {
      const span = s.firstPts !== undefined && s.lastPts !== undefined ? ` over ${((s.lastPts - s.firstPts) / 90_000).toFixed(2)} s of PTS` : "";
      return `  pid ${s.pid}: ${s.kind} ${STREAM_TYPES[s.streamType] ?? `type 0x${s.streamType.toString(16)}`}, ${s.pesCount} PES${span}`;
    }),
    capture.ok ? "OK: a valid MPEG-TS stream" : `NOT OK: ${capture.problems.join("; ")}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exitCode = capture.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`check-stream: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}\n`);
  process.exitCode = 1;
});
