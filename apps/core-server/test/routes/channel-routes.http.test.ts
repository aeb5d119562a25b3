import { afterEach, describe, expect, it } from "vitest";
import { sampleLineupPath } from "../../src/index.js";
import { captureStream, probeTransportStream } from "../../src/index.js";
import { loadServerLineup } from "../../src/index.js";
import { eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

const sample = loadServerLineup(sampleLineupPath());

describe("GET /channels", () => {
  it("lists every lineup channel with now/next from the schedule, state idle, no viewers and its stream URL", async () => {
    const { url } = await startFullServer();
    const before = Date.now();
    const res = await fetch(`${url}/channels`);
    const after = Date.now();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { channels: Array<Record<string, any>> };
    expect(body.channels.map((c) => c.number)).toEqual(sample.lineup.channels.map((c) => c.number));
    for (const c of body.channels) {
      expect(c).toMatchObject({ state: "idle", viewers: 0, streamUrl: `${url}/channels/${c.number}/stream.ts` });
      const nowStart = Date.parse(c.now.start);
      expect(nowStart).toBeLessThanOrEqual(after);
      expect(Date.parse(c.now.end)).toBeGreaterThan(before);
      // The segment the schedule has at that instant, and the one right after it.
      const segment = sample.schedule.segmentAt(c.number, nowStart);
      expect(c.now).toMatchObject({ title: segment.title, start: new Date(segment.startMs).toISOString(), end: new Date(segment.endMs).toISOString() });
      const next = sample.schedule.segmentAt(c.number, segment.endMs);
      expect(c.next).toMatchObject({ title: next.title, start: c.now.end, end: new Date(next.endMs).toISOString() });
    }
    expect(body.channels[0]).toMatchObject({ name: "RetroVue One", group: "Retro" });
  });

  it("GET /channels/{n} answers one channel; unknown or malformed numbers are 404 problem+json", async () => {
    const { url } = await startFullServer();
    const one = await fetch(`${url}/channels/2`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ number: 2, name: "Pattern Two", state: "idle" });
    for (const path of ["/channels/99", "/channels/abc", "/channels/99/stream.ts", "/channels/-1/stream.ts"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.json()).toMatchObject({ status: 404, reason: "unknown_channel" });
    }
  });
});

describe("GET /channels/{n}/stream.ts (session-less)", () => {
  it("streams real MPEG-TS (video/mp2t, no-cache, no length) that the TS probe accepts, and the channel shows live with one viewer", async () => {
    const { url, director } = await startFullServer();
    const stream = await openStream(`${url}/channels/1/stream.ts`);
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("video/mp2t");
    expect(stream.headers["cache-control"]).toContain("no-cache");
    expect(stream.headers["cache-control"]).toContain("no-store");
    expect(stream.headers["content-length"]).toBeUndefined();
    const bytes = await stream.waitForBytes(188 * 100);
    const probe = probeTransportStream(bytes);
    expect(probe.valid).toBe(true);
    expect(probe.syncErrors).toBe(0);
    expect(probe.streams.map((s) => s.kind).sort()).toEqual(["audio", "video"]);

    await eventually("channel 1 live", async () => {
      const channels = (await (await fetch(`${url}/channels`)).json()) as { channels: Array<{ number: number; state: string; viewers: number }> };
      const one = channels.channels.find((c) => c.number === 1);
      return one?.state === "live" && one.viewers === 1;
    });
    expect(director.channelSnapshots()[0]).toMatchObject({ channelNumber: 1, isLive: true, viewers: 1 });

    stream.destroy();
    // The viewer's disconnect leaves the director; the channel session then goes away.
    await eventually("viewer gone", () => director.viewerCount === 0);
    await eventually("channel torn down", () => director.sessionCount === 0);
  });

  it("passes the check-stream capture, and the capture's viewer is gone from the director right after", async () => {
    const { url, director, server } = await startFullServer();
    // The capture window starts at the first byte (after the ~1.7 s cold start here).
    const capture = await captureStream(`${url}/channels/4/stream.ts`, { durationMs: 2_000 });
    expect(capture).toMatchObject({ status: 200, contentType: "video/mp2t", ok: true, problems: [] });
    await eventually("capture viewer left", () => director.viewerCount === 0 && server.openConnections === 0);
  }, 30_000);

  it("answers HEAD with the stream headers and no tune-in", async () => {
    const { url, director } = await startFullServer();
    const res = await fetch(`${url}/channels/1/stream.ts`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp2t");
    expect(director.sessionCount).toBe(0);
  });

  it("is 403 with the session URL when session-less streaming is off", async () => {
    const { url, director } = await startFullServer(["--no-sessionless-streaming"]);
    const res = await fetch(`${url}/channels/1/stream.ts`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, reason: "session_required", detail: expect.stringContaining("/sessions/{id}/channels/{n}/stream.ts") });
    expect(director.sessionCount).toBe(0);
  });

  it("answers 503 with Retry-After when every tuner is in use (NoTunerAvailableError)", async () => {
    const { url } = await startFullServer(["--max-tuners", "1"]);
    const first = await openStream(`${url}/channels/1/stream.ts`);
    expect(first.status).toBe(200);
    const second = await fetch(`${url}/channels/2/stream.ts`);
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("10");
    expect(second.headers.get("content-type")).toBe("application/problem+json");
    expect(await second.json()).toMatchObject({ type: "urn:retrovue:problem:no-tuner-available", channel: 2, tunerBudget: 1 });
    // A second viewer of the playing channel needs no tuner.
    const again = await openStream(`${url}/channels/1/stream.ts`);
    expect(again.status).toBe(200);
  });

  it("answers 503 when the engine refuses to start the channel (ChannelStartError), and leaves nothing behind", async () => {
    const { url, director, fakeAir } = await startFullServer();
    // INTERNAL on every try: the immediate start also tries the next items as plan handle (a
    // corrupt current item is refused this way by the real engine), then gives up.
    fakeAir.script("StartChannel", { grpcStatus: { code: 13, message: "boom" } });
    const res = await fetch(`${url}/channels/3/stream.ts`);
    expect(res.status).toBe(503);
    expect(fakeAir.calls().filter((c) => c.method === "StartChannel")).toHaveLength(4);
    fakeAir.clearFaults();
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ type: "urn:retrovue:problem:channel-start-failed", channel: 3, stage: "start" });
    await eventually("failed session removed", () => director.sessionCount === 0);
    // The next tune-in tries afresh.
    const retry = await openStream(`${url}/channels/3/stream.ts`);
    expect(retry.status).toBe(200);
  });
});
