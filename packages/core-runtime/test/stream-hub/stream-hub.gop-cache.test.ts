import { mkdtemp, rm } from "node:fs/promises";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, StreamHub, streamSocketPath, type StreamHubOptions } from "../../src/index.js";
import { connectEngine, PACKET, RecordingSink, waitUntil } from "./stream-hub.fixtures.js";
import { CcCounters, continuityErrors, parsePackets, PMT_PID, programStream, VIDEO_PID } from "./ts-program.fixtures.js";

let runtimeDir: string;
let clock: ManualClock;
let hub: StreamHub | undefined;
let engine: Socket | undefined;

beforeEach(async () => {
  runtimeDir = await mkdtemp(join(tmpdir(), "rv-gop-"));
  clock = new ManualClock(1_000);
});

afterEach(async () => {
  engine?.destroy();
  await hub?.close();
  hub = undefined;
  expect(clock.armedTimerCount).toBe(0);
  await rm(runtimeDir, { recursive: true, force: true });
});

async function openFed(options: Partial<StreamHubOptions>): Promise<{ hub: StreamHub; feed: (data: Buffer) => Promise<void> }> {
  const opened = new StreamHub({ channelNumber: 1, socketPath: streamSocketPath(runtimeDir, 1), clock }, { coalesceMaxDelayMs: 0, ...options });
  hub = opened;
  await opened.listen();
  const socket = await connectEngine(opened.socketPath);
  engine = socket;
  await waitUntil(() => opened.stats().engineConnected, "engine connected");
  const feed = async (data: Buffer): Promise<void> => {
    const target = opened.stats().bytesIn + data.length;
    socket.write(data);
    await waitUntil(() => opened.stats().bytesIn >= target, `hub read ${target} bytes`);
  };
  return { hub: opened, feed };
}

describe("StreamHub GOP cache", () => {
  it("gives a late joiner PAT, PMT and the last keyframe's GOP first, then the live bytes", async () => {
    const { hub: h, feed } = await openFed({});
    const cc = new CcCounters();
    const gop0 = programStream(1, 40, cc, 0);
    const gop1 = programStream(1, 40, cc, 1);
    await feed(gop0);
    await feed(gop1.subarray(0, 25 * PACKET)); // mid-GOP 1
    expect(h.stats().gopCacheBytes).toBe(25 * PACKET);
    const late = new RecordingSink();
    h.addViewer("late", late);
    expect(late.chunks).toHaveLength(0); // nothing is written inside addViewer
    await feed(gop1.subarray(25 * PACKET));
    const got = late.received();
    expect(got.equals(gop1)).toBe(true); // the GOP began with its own PAT and PMT: no prefix needed
    const packets = parsePackets(got);
    expect(packets.slice(0, 3).map((p) => [p.pid, p.randomAccess])).toEqual([
      [0, false],
      [PMT_PID, false],
      [VIDEO_PID, true],
    ]);
    expect(continuityErrors(packets)).toBe(0);
  });

  it("prefixes the cached GOP with the last PAT and PMT when the keyframe is not right after them", async () => {
    const { hub: h, feed } = await openFed({});
    const cc = new CcCounters();
    const stream = programStream(1, 30, cc, 0);
    await feed(stream);
    // A second keyframe without PAT/PMT before it: cut the PAT and PMT from the next GOP.
    const next = programStream(1, 30, cc, 1).subarray(2 * PACKET);
    await feed(next.subarray(0, 10 * PACKET));
    const late = new RecordingSink();
    h.addViewer("late", late);
    await feed(next.subarray(10 * PACKET));
    const packets = parsePackets(late.received());
    expect(packets.slice(0, 3).map((p) => [p.pid, p.randomAccess])).toEqual([
      [0, false],
      [PMT_PID, false],
      [VIDEO_PID, true],
    ]);
    expect(late.received().subarray(2 * PACKET).equals(next)).toBe(true);
  });

  it("stays within its bound: a longer GOP is dropped and joiners start at the next PAT", async () => {
    const maxBytes = 20 * PACKET;
    const { hub: h, feed } = await openFed({ gopCacheMaxBytes: maxBytes });
    const cc = new CcCounters();
    const long = programStream(3, 50, cc); // 50-packet GOPs > 20-packet bound
    let peak = 0;
    for (let at = 0; at < long.length; at += 7 * PACKET) {
      await feed(long.subarray(at, at + 7 * PACKET));
      peak = Math.max(peak, h.stats().gopCacheBytes);
    }
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(peak).toBeGreaterThan(0);
    expect(h.stats().gopCacheOverflows).toBe(3);
    expect(h.stats().gopCacheBytes).toBe(0);
    const late = new RecordingSink();
    h.addViewer("late", late);
    const more = programStream(1, 50, cc, 3);
    await feed(more);
    expect(late.received().equals(more)).toBe(true); // from the next PAT
  });

  it("with the cache disabled, a joiner starts at the next keyframe (after its PAT and PMT)", async () => {
    const { hub: h, feed } = await openFed({ gopCacheMaxBytes: 0 });
    const cc = new CcCounters();
    await feed(programStream(1, 20, cc).subarray(0, 10 * PACKET));
    expect(h.stats().gopCacheBytes).toBe(0);
    const late = new RecordingSink();
    h.addViewer("late", late);
    const rest = programStream(1, 20, cc, 1);
    await feed(rest);
    expect(late.received().equals(rest)).toBe(true);
  });

  it("a viewer waiting for a stream that begins mid-GOP starts at its first keyframe, not its first PAT", async () => {
    const { hub: h, feed } = await openFed({});
    const early = new RecordingSink();
    h.addViewer("early", early);
    const cc = new CcCounters();
    const gop0 = programStream(1, 20, cc, 0);
    const midGop = Buffer.concat([gop0.subarray(0, 2 * PACKET), gop0.subarray(3 * PACKET)]); // PAT, PMT, no keyframe
    const gop1 = programStream(1, 20, cc, 1);
    await feed(midGop);
    expect(early.chunks).toHaveLength(0);
    await feed(gop1);
    expect(early.received().equals(gop1)).toBe(true);
  });
});
