import { execFileSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ManualClock,
  StreamHub,
  StreamHubError,
  streamSocketPath,
  type StreamHubEvent,
  type StreamHubOptions,
} from "../../src/index.js";
import { connectEngine, PACKET, RecordingSink, tsStream, waitUntil } from "./stream-hub.fixtures.js";
import { continuityErrors, parsePackets, programStream } from "./ts-program.fixtures.js";

let runtimeDir: string;
let clock: ManualClock;
const hubs: StreamHub[] = [];
const engines: Socket[] = [];

beforeEach(async () => {
  runtimeDir = await mkdtemp(join(tmpdir(), "rv-hub-"));
  clock = new ManualClock(1_000);
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.destroy();
  for (const hub of hubs.splice(0)) {
    await hub.close();
    expect(hub.listening).toBe(false);
    expect(existsSync(hub.socketPath)).toBe(false);
  }
  expect(clock.armedTimerCount).toBe(0);
  await rm(runtimeDir, { recursive: true, force: true });
});

async function openHub(options: Partial<StreamHubOptions> = {}, channel = 1): Promise<{ hub: StreamHub; events: StreamHubEvent[] }> {
  const hub = new StreamHub({ channelNumber: channel, socketPath: streamSocketPath(runtimeDir, channel), clock }, options);
  hubs.push(hub);
  const events: StreamHubEvent[] = [];
  hub.subscribe((event) => events.push(event));
  await hub.listen();
  return { hub, events };
}

async function attachEngine(hub: StreamHub): Promise<Socket> {
  const engine = await connectEngine(hub.socketPath);
  engines.push(engine);
  await waitUntil(() => hub.stats().engineConnected, "engine connected");
  return engine;
}

/** Writes `data` and waits until the hub has read all of it (a separate read per call). */
async function feed(hub: StreamHub, engine: Socket, data: Buffer): Promise<void> {
  const target = hub.stats().bytesIn + data.length;
  engine.write(data);
  await waitUntil(() => hub.stats().bytesIn >= target, `hub read ${target} bytes`);
}

describe("StreamHub socket", () => {
  it("listens on <runtimeDir>/ch_<n>.sock with owner-only access and removes it at close", async () => {
    const { hub } = await openHub({}, 7);
    expect(hub.socketPath).toBe(join(runtimeDir, "ch_7.sock"));
    const stat = statSync(hub.socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    await hub.close();
    await hub.close(); // idempotent
    expect(existsSync(hub.socketPath)).toBe(false);
    expect(() => hub.addViewer("late", new RecordingSink())).toThrow(StreamHubError);
  });

  it("removes a stale socket file left by a dead process before listening", async () => {
    const path = streamSocketPath(runtimeDir, 1);
    // A process that exits without closing its server leaves the socket file behind.
    execFileSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
    expect(statSync(path).isSocket()).toBe(true);
    const { hub } = await openHub();
    const engine = await attachEngine(hub);
    expect(engine.destroyed).toBe(false);
  });

  it("refuses to delete a path that is not a socket", async () => {
    const path = streamSocketPath(runtimeDir, 1);
    writeFileSync(path, "not a socket");
    const hub = new StreamHub({ channelNumber: 1, socketPath: path, clock });
    await expect(hub.listen()).rejects.toMatchObject({ code: "not_a_socket" });
    expect(existsSync(path)).toBe(true);
    await hub.close();
  });

  it("close() during listen() waits for it and leaves no socket file behind", async () => {
    const hub = new StreamHub({ channelNumber: 1, socketPath: streamSocketPath(runtimeDir, 1), clock });
    const listening = hub.listen();
    const closed = hub.close();
    await expect(listening).rejects.toMatchObject({ code: "closed" });
    await closed;
    expect(hub.listening).toBe(false);
    expect(existsSync(hub.socketPath)).toBe(false);
  });

  it("rejects a socket path longer than the OS allows", async () => {
    const hub = new StreamHub({ channelNumber: 1, socketPath: join(runtimeDir, "x".repeat(120), "ch_1.sock"), clock });
    await expect(hub.listen()).rejects.toMatchObject({ code: "path_too_long" });
    await hub.close();
  });

  it("validates its options once, at construction", () => {
    expect(() => new StreamHub({ channelNumber: 1, socketPath: "/x", clock }, { maxViewerQueueBytes: 10 })).toThrow(RangeError);
    expect(() => new StreamHub({ channelNumber: 1, socketPath: "/x", clock }, { coalesceMaxDelayMs: -1 })).toThrow(RangeError);
  });
});

describe("StreamHub fan-out", () => {
  it("writes the very same buffer object to every viewer (no per-viewer copy)", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 0 });
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    sinks.forEach((sink, i) => hub.addViewer(`v${i}`, sink));
    const engine = await attachEngine(hub);
    const stream = tsStream(50, { patEvery: 10 });
    await feed(hub, engine, stream);
    for (const sink of sinks) expect(sink.received().equals(stream)).toBe(true);
    const [a, b, c] = sinks.map((sink) => sink.chunks);
    expect(a?.length).toBeGreaterThan(0);
    a?.forEach((chunk, i) => {
      expect(b?.[i]).toBe(chunk);
      expect(c?.[i]).toBe(chunk);
    });
    expect(hub.stats().bytesOut).toBe(3 * stream.length);
  });

  it("coalesces small reads until the delay elapses (not 1 ms before) or enough bytes are pending", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 20, coalesceBytes: 10 * PACKET });
    const sink = new RecordingSink();
    hub.addViewer("v", sink);
    const engine = await attachEngine(hub);
    const stream = tsStream(14, { patEvery: 1 });
    for (let i = 0; i < 4; i++) await feed(hub, engine, stream.subarray(i * PACKET, (i + 1) * PACKET));
    expect(sink.chunks).toHaveLength(0);
    clock.advance(19);
    expect(sink.chunks).toHaveLength(0);
    clock.advance(1);
    expect(sink.chunks).toHaveLength(1);
    expect(sink.received().equals(stream.subarray(0, 4 * PACKET))).toBe(true);
    // 10 packets pending reach coalesceBytes: flushed without waiting for the clock.
    for (let i = 4; i < 14; i++) await feed(hub, engine, stream.subarray(i * PACKET, (i + 1) * PACKET));
    expect(sink.chunks).toHaveLength(2);
    expect(sink.received().equals(stream)).toBe(true);
    expect(clock.armedTimerCount).toBe(0);
  });

  it("forwards a large read as-is, without copying it", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 20, coalesceBytes: 4 * PACKET });
    const sink = new RecordingSink();
    hub.addViewer("v", sink);
    const engine = await attachEngine(hub);
    await feed(hub, engine, tsStream(40, { patEvery: 5 }));
    expect(sink.chunks.length).toBeGreaterThan(0);
    expect(hub.stats().chunksOut).toBe(sink.chunks.length);
    expect(clock.armedTimerCount).toBe(0);
  });
});

describe("StreamHub slow viewers", () => {
  it("keeps a viewer whose queue reaches the bound exactly and evicts one byte past it", async () => {
    const max = 64 * 1024;
    const { hub, events } = await openHub({ coalesceMaxDelayMs: 0, maxViewerQueueBytes: max });
    const atBound = new RecordingSink();
    const pastBound = new RecordingSink();
    hub.addViewer("at", atBound);
    hub.addViewer("past", pastBound);
    const engine = await attachEngine(hub);
    const packet = tsStream(1, { patEvery: 1 });
    atBound.writableLength = max - PACKET;
    pastBound.writableLength = max - PACKET + 1;
    await feed(hub, engine, packet);
    expect(atBound.chunks).toHaveLength(1);
    expect(atBound.destroyed).toBe(false);
    expect(pastBound.chunks).toHaveLength(0);
    expect(pastBound.destroyed).toBe(true);
    expect(events).toContainEqual({ type: "viewer-removed", viewerId: "past", cause: "evicted", queuedBytes: max - PACKET + 1 });
    expect(hub.stats().viewersEvicted).toBe(1);
    expect(hub.viewerCount).toBe(1);
  });

  it("evicts a stalled viewer without slowing the fast ones, who get every byte", async () => {
    const { hub, events } = await openHub({ coalesceMaxDelayMs: 0, maxViewerQueueBytes: 256 * 1024 });
    const stalled = new PassThrough({ highWaterMark: 16 * 1024 }); // never read
    const fast = [new PassThrough(), new PassThrough(), new PassThrough()];
    const got = fast.map(() => [] as Buffer[]);
    fast.forEach((sink, i) => sink.on("data", (chunk: Buffer) => got[i]?.push(chunk)));
    hub.addViewer("slow", stalled);
    fast.forEach((sink, i) => hub.addViewer(`fast${i}`, sink));
    const engine = await attachEngine(hub);
    const stream = tsStream(4000, { patEvery: 100 }); // ~750 KB
    for (let off = 0; off < stream.length; off += 50 * PACKET) await feed(hub, engine, stream.subarray(off, off + 50 * PACKET));
    await waitUntil(() => got.every((chunks) => Buffer.concat(chunks).length === stream.length), "fast viewers drained");
    for (const chunks of got) expect(Buffer.concat(chunks).equals(stream)).toBe(true);
    expect(stalled.destroyed).toBe(true);
    expect(events.filter((e) => e.type === "viewer-removed")).toEqual([
      expect.objectContaining({ viewerId: "slow", cause: "evicted" }),
    ]);
    expect(hub.stats()).toMatchObject({ viewers: 3, viewersEvicted: 1 });
    expect(stalled.listenerCount("close")).toBe(0);
  });
});

describe("StreamHub late joiners", () => {
  it("start at the next PAT, on a packet boundary, even when reads split packets", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 0 });
    const engine = await attachEngine(hub);
    const stream = tsStream(60, { patEvery: 20, patOffset: 5 }); // PATs at packets 5, 25, 45
    const early = new RecordingSink();
    hub.addViewer("early", early);
    await feed(hub, engine, stream.subarray(0, 1200)); // ends inside packet 6, PAT 5 read whole
    const late = new RecordingSink();
    hub.addViewer("late", late);
    let offset = 1200;
    for (const size of [333, 77, 1900, 2500]) {
      await feed(hub, engine, stream.subarray(offset, offset + size));
      offset += size;
    }
    await feed(hub, engine, stream.subarray(offset));
    expect(early.received().equals(stream.subarray(5 * PACKET))).toBe(true);
    const got = late.received();
    expect(got[0]).toBe(0x47);
    expect(got.equals(stream.subarray(25 * PACKET))).toBe(true);
  });

  it("fall back to the next whole packet when no PAT comes within the window", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 0, latePatWindowBytes: 10 * PACKET });
    const engine = await attachEngine(hub);
    const stream = tsStream(40); // no PAT at all
    await feed(hub, engine, stream.subarray(0, 500));
    const late = new RecordingSink();
    hub.addViewer("late", late);
    await feed(hub, engine, stream.subarray(500, 500 + 10 * PACKET)); // fills the window, no start yet
    expect(late.chunks).toHaveLength(0);
    const resumeAt = 500 + 10 * PACKET;
    await feed(hub, engine, stream.subarray(resumeAt, resumeAt + 300));
    // The hub forwards whole packets only: the one split across reads comes complete.
    const from = Math.floor(resumeAt / PACKET) * PACKET;
    const to = Math.floor((resumeAt + 300) / PACKET) * PACKET;
    expect(late.received().equals(stream.subarray(from, to))).toBe(true);
  });

  it("re-align after garbage in the input and count the resync", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 0 });
    const engine = await attachEngine(hub);
    const stream = tsStream(10, { patEvery: 3, patOffset: 1 });
    await feed(hub, engine, stream.subarray(0, 2 * PACKET));
    const late = new RecordingSink();
    hub.addViewer("late", late);
    await feed(hub, engine, Buffer.concat([Buffer.alloc(77, 0x00), stream.subarray(2 * PACKET)]));
    expect(late.received().equals(stream.subarray(4 * PACKET))).toBe(true);
    expect(hub.stats().resyncs).toBe(1);
  });
});

describe("StreamHub engine connection", () => {
  it("keeps every viewer and notifies the owner when the engine's socket closes unexpectedly", async () => {
    const { hub, events } = await openHub({ coalesceMaxDelayMs: 20 });
    const sinks = [new RecordingSink(), new RecordingSink()];
    sinks.forEach((sink, i) => hub.addViewer(`v${i}`, sink));
    const engine = await attachEngine(hub);
    await feed(hub, engine, tsStream(3, { patEvery: 1 })); // pending in the coalescer
    engine.end();
    await waitUntil(() => events.some((e) => e.type === "engine-disconnected"), "disconnect event");
    expect(events).toContainEqual({ type: "engine-disconnected", expected: false });
    expect(hub.viewerCount).toBe(2);
    expect(sinks.map((sink) => sink.writableEnded)).toEqual([false, false]);
    expect(hub.stats().bytesOut).toBe(2 * 3 * PACKET); // pending bytes were flushed first
    expect(clock.armedTimerCount).toBe(0);
  });

  it("keeps viewers through an expected disconnect and drops the half packet the old stream ended with", async () => {
    const { hub, events } = await openHub({ coalesceMaxDelayMs: 0 });
    const sink = new RecordingSink();
    hub.addViewer("v", sink);
    const first = await attachEngine(hub);
    const before = tsStream(4, { patEvery: 2 });
    await feed(hub, first, before.subarray(0, 2 * PACKET + 50)); // ends mid-packet
    hub.expectEngineClose();
    first.destroy();
    await waitUntil(() => events.some((e) => e.type === "engine-disconnected"), "disconnect event");
    expect(events).toContainEqual({ type: "engine-disconnected", expected: true });
    expect(hub.viewerCount).toBe(1);
    expect(sink.received().equals(before.subarray(0, 2 * PACKET))).toBe(true);
  });

  it("lets a re-attaching engine replace the previous connection, spliced in at its keyframe", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 0 });
    const sink = new RecordingSink();
    hub.addViewer("v", sink);
    const first = await attachEngine(hub);
    const second = await connectEngine(hub.socketPath);
    engines.push(second);
    await waitUntil(() => first.destroyed || first.readableEnded, "old connection dropped");
    const stream = programStream(2, 10);
    await feed(hub, second, stream);
    const got = parsePackets(sink.received());
    // + the discontinuity markers before the PAT, the PMT and the first audio packet (none has an adaptation field)
    expect(got).toHaveLength(2 * 10 + 3);
    expect(continuityErrors(got)).toBe(0);
    expect(hub.viewerCount).toBe(1);
    expect(hub.stats().splices).toBe(1);
  });
});

describe("StreamHub viewers", () => {
  it("forgets a viewer whose sink closes on its own, removing the listeners it added", async () => {
    const { hub, events } = await openHub();
    const sink = new PassThrough();
    const closeListenersBefore = sink.listenerCount("close");
    hub.addViewer("v", sink);
    expect(sink.listenerCount("close")).toBe(closeListenersBefore + 1);
    sink.destroy();
    await waitUntil(() => hub.viewerCount === 0, "viewer dropped");
    expect(events).toContainEqual({ type: "viewer-removed", viewerId: "v", cause: "closed" });
    expect(sink.listenerCount("close")).toBe(closeListenersBefore);
    expect(sink.listenerCount("error")).toBe(0);
  });

  it("drops a viewer whose write throws and keeps serving the others", async () => {
    const { hub, events } = await openHub({ coalesceMaxDelayMs: 0 });
    const broken = new RecordingSink();
    broken.write = () => {
      throw new Error("boom");
    };
    const healthy = new RecordingSink();
    hub.addViewer("broken", broken);
    hub.addViewer("healthy", healthy);
    const engine = await attachEngine(hub);
    const stream = tsStream(5, { patEvery: 1 });
    await feed(hub, engine, stream);
    expect(healthy.received().equals(stream)).toBe(true);
    expect(broken.destroyed).toBe(true);
    expect(events).toContainEqual({ type: "viewer-removed", viewerId: "broken", cause: "error" });
    expect(hub.viewerCount).toBe(1);
  });

  it("ends a removed viewer cleanly, refuses duplicates and already-ended sinks", async () => {
    const { hub, events } = await openHub();
    const sink = new RecordingSink();
    expect(hub.addViewer("v", sink)).toBe(true);
    expect(() => hub.addViewer("v", new RecordingSink())).toThrow(/duplicate_viewer/);
    expect(hub.removeViewer("v")).toBe(true);
    expect(hub.removeViewer("v")).toBe(false);
    expect(sink.writableEnded).toBe(true);
    expect(sink.destroyed).toBe(false);
    const ended = new RecordingSink();
    ended.writableEnded = true;
    expect(hub.addViewer("w", ended)).toBe(false);
    expect(hub.viewerCount).toBe(0);
    expect(events.filter((e) => e.type === "viewer-removed")).toEqual([]);
  });

  it("close() drops the engine, removes the socket file, then ends every viewer, leaving no timer", async () => {
    const { hub } = await openHub({ coalesceMaxDelayMs: 20 });
    const sinks = [new RecordingSink(), new RecordingSink()];
    sinks.forEach((sink, i) => hub.addViewer(`v${i}`, sink));
    const engine = await attachEngine(hub);
    await feed(hub, engine, tsStream(2, { patEvery: 1 }));
    expect(clock.armedTimerCount).toBe(1);
    let fileGoneWhenViewersEnded = false;
    const originalEnd = sinks[0]!.end.bind(sinks[0]);
    sinks[0]!.end = () => {
      fileGoneWhenViewersEnded = !existsSync(hub.socketPath) && !hub.listening;
      originalEnd();
    };
    await hub.close();
    expect(fileGoneWhenViewersEnded).toBe(true);
    expect(sinks.every((sink) => sink.writableEnded && sink.received().length === 2 * PACKET)).toBe(true);
    await waitUntil(() => engine.destroyed || engine.readableEnded, "engine connection closed");
    expect(clock.armedTimerCount).toBe(0);
    expect(hub.viewerCount).toBe(0);
  });
});
