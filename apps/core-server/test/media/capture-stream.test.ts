import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { captureStream, sampleLineupPath } from "../../src/index.js";

const clip = readFileSync(join(sampleLineupPath(), "..", "..", "media", "ch2", "pattern.ts"));
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in channel endpoint: the clip, looped forever in small paced chunks. */
async function serve(answer: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => answer(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/channels/2/stream.ts`;
}

function loopClip(res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "video/mp2t", "Cache-Control": "no-cache, no-store" });
  let offset = 0;
  const timer = setInterval(() => {
    const end = Math.min(clip.length, offset + 188 * 70);
    res.write(clip.subarray(offset, end));
    offset = end === clip.length ? 0 : end;
  }, 10);
  res.on("close", () => clearInterval(timer));
}

describe("captureStream", () => {
  it("waits for a cold channel: the window starts at the first byte, not at the request", async () => {
    // Headers and bytes only after 600 ms (a cold start), then a 300 ms window.
    const url = await serve((res) => {
      const timer = setTimeout(() => loopClip(res), 600);
      res.on("close", () => clearTimeout(timer));
    });
    const capture = await captureStream(url, { durationMs: 300 });
    expect(capture.ok).toBe(true);
    expect(capture.elapsedMs).toBeGreaterThanOrEqual(850);
    const impatient = await captureStream(url, { durationMs: 300, firstByteTimeoutMs: 200 }).catch((error: unknown) => error);
    expect(impatient).toBeInstanceOf(Error);
  });

  it("reads a live MPEG-TS stream for a while and finds it valid", async () => {
    const url = await serve(loopClip);
    const capture = await captureStream(url, { durationMs: 300 });
    expect(capture).toMatchObject({ status: 200, contentType: "video/mp2t", cacheControl: "no-cache, no-store", ok: true, problems: [] });
    expect(capture.bytes).toBeGreaterThan(188 * 70);
    expect(capture.probe.streams.map((s) => s.kind).sort()).toEqual(["audio", "video"]);
  });

  it("says why a response is not a playable stream", async () => {
    const notFound = await serve((res) => {
      res.writeHead(404, { "Content-Type": "application/problem+json" });
      res.end('{"status":404}');
    });
    const missing = await captureStream(notFound, { durationMs: 300 });
    expect(missing.ok).toBe(false);
    expect(missing.problems).toEqual(
      expect.arrayContaining(["status 404, expected 200", "content type application/problem+json, expected video/mp2t", "no MPEG-TS packets found"]),
    );
    const garbage = await serve((res) => {
      res.writeHead(200, { "Content-Type": "video/mp2t" });
      res.end(Buffer.alloc(188 * 10, 0x11));
    });
    expect((await captureStream(garbage, { durationMs: 300 })).problems).toEqual(["no MPEG-TS packets found"]);
  });

  it("runs as the check-stream command: prints what it saw and exits 0 for a valid stream", async () => {
    const url = await serve(loopClip);
    const packageDir = fileURLToPath(new URL("../..", import.meta.url));
    const child = spawn(process.execPath, ["dist/check-stream-main.js", url, "0.3"], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/HTTP 200, video\/mp2t, \d+ bytes/);
    expect(stdout).toMatch(/pid \d+: video H\.264, \d+ PES/);
    expect(stdout).toMatch(/pid \d+: audio AAC/);
    expect(stdout.trim().split("\n").at(-1)).toBe("OK: a valid MPEG-TS stream");
  });
});
