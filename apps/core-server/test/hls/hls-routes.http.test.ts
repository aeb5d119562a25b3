import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { bearer, createSession, eventually, startFullServer, type FullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";
import { checkMediaPlaylist, checkReload, type ParsedPlaylist } from "./rfc8216.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});
const work = mkdtempSync(join(tmpdir(), "rv-hls-http-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Idle bound and window short enough to see viewers leave and segments retire within a test, with slack for a loaded machine.
const HLS_FLAGS = ["--hls-viewer-idle-ms", "5000", "--hls-window-segments", "3"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fetches a playlist as player `agent` (session-less viewers are told apart by address and user agent). */
async function playlist(url: string, agent = "player-a"): Promise<{ status: number; headers: Headers; text: string; parsed: ParsedPlaylist }> {
  const res = await fetch(url, { headers: { "User-Agent": agent } });
  const text = await res.text();
  const { playlist: parsed, problems } = checkMediaPlaylist(res.status === 200 ? text : "#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
  if (res.status === 200) expect(problems, text).toEqual([]);
  return { status: res.status, headers: res.headers, text, parsed };
}

const absolute = (playlistUrl: string, uri: string) => new URL(uri, playlistUrl).toString();

describe("HLS output (GET /channels/{n}/stream.m3u8)", () => {
  it("serves a live playlist that passes RFC 8216 across reloads, and cacheable segments that start on a keyframe; the HLS viewer counts as a viewer", async () => {
    const s = await startFullServer(HLS_FLAGS);
    const url = `${s.url}/channels/1/stream.m3u8`;
    const first = await playlist(url);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(first.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
    expect(first.parsed.targetDurationS).toBe(2);
    expect(first.parsed.endList).toBe(false);
    expect(first.parsed.segments.length).toBeGreaterThanOrEqual(1);
    expect(s.director.viewerCount).toBe(1);
    const channel = (await (await fetch(`${s.url}/channels/1`)).json()) as { viewers: number };
    expect(channel.viewers).toBe(1);

    const segUrl = absolute(url, first.parsed.segments[0]!.uri);
    const seg = await fetch(segUrl, { headers: { "User-Agent": "player-a" } });
    expect(seg.status).toBe(200);
    expect(seg.headers.get("content-type")).toBe("video/mp2t");
    expect(seg.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    const bytes = Buffer.from(await seg.arrayBuffer());
    expect(Number(seg.headers.get("content-length"))).toBe(bytes.length);
    const file = join(work, "first.ts");
    writeFileSync(file, bytes);
    const probe = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "frame=pict_type", "-of", "csv=p=0", file], { encoding: "utf8" });
    expect(probe.stderr).toBe("");
    expect(probe.stdout.trim().split("\n")[0]?.replace(/,$/, "")).toBe("I");

    // Reload as a player does until segments have left the 3-segment window.
    let previous = first.parsed;
    for (let i = 0; i < 20 && previous.mediaSequence === 0; i++) {
      await sleep(1_000);
      const next = await playlist(url);
      expect(next.status).toBe(200);
      expect(checkReload(previous, next.parsed)).toEqual([]);
      previous = next.parsed;
    }
    expect(previous.mediaSequence).toBeGreaterThan(0);
    expect(previous.segments.filter((x) => x.discontinuity)).toEqual([]);
    // HEAD answers the headers without tuning anybody in.
    const head = await fetch(url, { method: "HEAD", headers: { "User-Agent": "someone-else" } });
    expect(head.status).toBe(200);
    expect(s.director.viewerCount).toBe(1);
  }, 60_000);

  it("a viewer whose last fetch is older than the bound leaves, and the last one out tears the channel down through the gate (INV-VIEWER-COUNT-ADVISORY-001)", async () => {
    const s = await startFullServer(HLS_FLAGS);
    expect((await playlist(`${s.url}/channels/2/stream.m3u8`)).status).toBe(200);
    expect(s.director.sessionCount).toBe(1);
    const stoppedAt = Date.now();
    await eventually("the channel to be torn down", () => s.director.sessionCount === 0, 20_000);
    // Not before the idle bound (5 s) passed.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(4_900);
    expect(s.logLines.some((l) => l.msg === "An HLS viewer left." && l.cause === "idle" && l.channel === 2)).toBe(true);
    expect(s.logLines.some((l) => l.msg === "executing teardown" && l.reason === "viewer_inactive" && l.invariant === "INV-VIEWER-COUNT-ADVISORY-001")).toBe(true);
  }, 60_000);

  it("when the viewer that feeds the segmenter leaves, another one takes over without a discontinuity", async () => {
    const s = await startFullServer(HLS_FLAGS);
    const url = `${s.url}/channels/3/stream.m3u8`;
    expect((await playlist(url, "first")).status).toBe(200);
    expect((await playlist(url, "second")).status).toBe(200);
    expect(s.director.viewerCount).toBe(2);
    // Only "second" keeps fetching; "first" (the feeder) goes idle and leaves.
    let last = (await playlist(url, "second")).parsed;
    await eventually("the first viewer to leave", async () => {
      const next = (await playlist(url, "second")).parsed;
      expect(checkReload(last, next)).toEqual([]);
      last = next;
      return s.director.viewerCount === 1;
    }, 20_000);
    const sequenceAtHandover = last.segments.at(-1)?.sequence ?? 0;
    await eventually("three more segments", async () => {
      const next = (await playlist(url, "second")).parsed;
      expect(checkReload(last, next)).toEqual([]);
      last = next;
      return (last.segments.at(-1)?.sequence ?? 0) >= sequenceAtHandover + 3;
    }, 20_000);
    expect(last.segments.filter((x) => x.discontinuity)).toEqual([]);
    expect(last.discontinuitySequence).toBe(0);
  }, 60_000);

  it("the governed playlist carries the session token into its segment URLs, holds a stream slot, and answers 410 once the session is terminated", async () => {
    const s: FullServer = await startFullServer(HLS_FLAGS);
    const session = await createSession(s.url);
    const url = `${s.url}/sessions/${session.id}/channels/4/stream.m3u8?token=${encodeURIComponent(session.token)}`;
    const first = await playlist(url);
    expect(first.status).toBe(200);
    const uri = first.parsed.segments[0]!.uri;
    expect(uri).toMatch(new RegExp(`^hls/[a-z0-9]+-\\d+\\.ts\\?token=${encodeURIComponent(session.token).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    const seg = await fetch(absolute(url, uri));
    expect(seg.status).toBe(200);
    expect(seg.headers.get("cache-control")).toBe("private, max-age=86400, immutable");
    const noToken = await fetch(absolute(url, uri.replace(/\?.*$/, "")));
    expect(noToken.status).toBe(401);
    const status = (await (await fetch(`${s.url}/sessions/${session.id}`, { headers: bearer(session.token) })).json()) as { openStreams: unknown[] };
    expect(status.openStreams).toHaveLength(1);
    expect(s.director.viewerCount).toBe(1);

    const end = await fetch(`${s.url}/admin/sessions/${session.id}/terminate`, { method: "POST", headers: bearer(s.adminToken) });
    expect(end.status).toBe(200);
    await eventually("the governed HLS viewer to leave", () => s.director.viewerCount === 0, 10_000);
    expect((await fetch(url)).status).toBe(410);
    expect((await fetch(absolute(url, uri))).status).toBe(410);
  }, 60_000);

  it("answers 403 for the session-less playlist when session-less streaming is off, and 404 for an unknown channel or segment", async () => {
    const s = await startFullServer([...HLS_FLAGS, "--no-sessionless-streaming"]);
    expect((await fetch(`${s.url}/channels/1/stream.m3u8`)).status).toBe(403);
    expect((await fetch(`${s.url}/channels/99/stream.m3u8`)).status).toBe(404);
    expect((await fetch(`${s.url}/channels/1/hls/zz-1.ts`)).status).toBe(403);
    expect(s.director.sessionCount).toBe(0);
  });

  it("ffmpeg plays the playlist for 30 s of media without a decode error", async () => {
    const s = await startFullServer(HLS_FLAGS);
    const url = `${s.url}/channels/1/stream.m3u8`;
    expect((await playlist(url, "warm-up")).status).toBe(200);
    const result = await new Promise<{ code: number | null; stderr: string; frames: number }>((resolve) => {
      const ffmpeg = spawn("ffmpeg", ["-nostdin", "-v", "error", "-i", url, "-t", "30", "-f", "null", "-", "-progress", "pipe:1"], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      ffmpeg.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      ffmpeg.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      ffmpeg.on("close", (code) => {
        const frames = [...stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
        resolve({ code, stderr, frames: frames.at(-1) ?? 0 });
      });
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // 30 s of output at 30 fps, counted from the first timestamp of any stream: a segment's
    // audio may start up to ~1.5 s before its first video frame, so at least ~27 s of video.
    expect(result.frames).toBeGreaterThanOrEqual(800);
  }, 90_000);
});
