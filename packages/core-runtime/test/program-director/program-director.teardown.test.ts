import { existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { advance, closeAndAssertClean, createHarness, drive, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, tsStream, waitUntil } from "../stream-hub/stream-hub.fixtures.js";

const T0 = 1_000_000;
/** With the default options the first boundary (startup) goes LIVE 7 s after start. */
const FIRST_LIVE = T0 + 7_000;

let h: Harness;

afterEach(() => closeAndAssertClean(h));

async function live(): Promise<void> {
  await advance(h.clock, FIRST_LIVE - h.clock.now());
  expect(h.director.channelSnapshots()[0]).toMatchObject({ isLive: true, provisional: false, boundaryState: "LIVE" });
}

const teardownCalls = (channel = 1): string[] =>
  h.engine.methods(channel).filter((m) => ["detachStream", "stopChannel", "releaseChannel"].includes(m));

describe("ProgramDirector teardown", () => {
  it("INV-VIEWER-COUNT-ADVISORY-001: the last viewer leaving a LIVE channel tears it down at once", async () => {
    h = await createHarness();
    const sink = new RecordingSink();
    const { viewerId } = await h.director.tuneIn(1, { sink });
    await live();
    expect(h.director.leave(viewerId)).toBe(true);
    expect(sink.writableEnded).toBe(true); // its own response ends as it leaves
    expect(h.director.leave(viewerId)).toBe(false);
    await waitUntil(() => h.director.sessionCount === 0, "session freed");
    expect(teardownCalls()).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
    expect(h.engine.calls.find((c) => c.method === "detachStream")?.params).toEqual({ channelId: 1, force: false });
    expect(h.engine.calls.at(-1)?.releaseReason).toBe("stopped");
    expect(h.eventsOf("teardown-requested")).toEqual([{ type: "teardown-requested", channel: 1, reason: "viewer_inactive", deferred: false }]);
    expect(h.eventsOf("teardown-completed")).toEqual([
      { type: "teardown-completed", channel: 1, reason: "viewer_inactive", stop: "stopped", forced: false, durationMs: 0 },
    ]);
  });

  it("tears down in order: DetachStream, StopChannel, release, close the socket, end viewers, dispose the manager, free the slot", async () => {
    h = await createHarness();
    const sink = new RecordingSink();
    const socketPath = join(h.runtimeDir, "ch_1.sock");
    let atViewerEnd: { socketExists: boolean; calls: string[]; sessions: number; disposed: boolean } | undefined;
    const end = sink.end.bind(sink);
    sink.end = () => {
      atViewerEnd = {
        socketExists: existsSync(socketPath),
        calls: teardownCalls(),
        sessions: h.director.sessionCount,
        disposed: h.managers[0]?.disposedWithSessions !== undefined,
      };
      end();
    };
    await h.director.tuneIn(1, { sink });
    await live();
    await h.director.stopChannel(1);
    expect(atViewerEnd).toEqual({
      socketExists: false,
      calls: ["detachStream", "stopChannel", "releaseChannel"],
      sessions: 1,
      disposed: false,
    });
    expect(h.managers[0]?.disposedWithSessions).toBe(1); // disposed before the slot was freed
    expect(h.managers[0]?.manager.lifePhase).toBe("disposed");
    expect(h.director.sessionCount).toBe(0);
  });

  it("INV-TEARDOWN-STABLE-STATE-001: in a transient state the teardown waits for the manager's signal (LIVE), not a poll", async () => {
    h = await createHarness();
    const sink = new RecordingSink();
    const { viewerId } = await h.director.tuneIn(1, { sink });
    h.director.leave(viewerId);
    await advance(h.clock, 0);
    expect(teardownCalls()).toEqual([]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({
      phase: "running",
      teardownPending: true,
      teardownReason: "viewer_inactive",
      teardownDeadlineMs: T0 + 10_000,
    });
    expect(h.eventsOf("teardown-requested")).toEqual([{ type: "teardown-requested", channel: 1, reason: "viewer_inactive", deferred: true }]);
    await advance(h.clock, FIRST_LIVE - 1 - h.clock.now());
    expect(teardownCalls()).toEqual([]);
    await advance(h.clock, 1); // the switch lands: LIVE is stable, the manager signals teardown-ready
    await waitUntil(() => h.director.sessionCount === 0, "deferred teardown ran");
    expect(teardownCalls()).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
    expect(h.engine.calls.find((c) => c.method === "detachStream")?.atMs).toBe(FIRST_LIVE);
    expect(sink.writableEnded).toBe(true);
  });

  it("a viewer tuning in while a teardown is pending cancels it; the channel plays on", async () => {
    h = await createHarness();
    const first = await h.director.tuneIn(1, { sink: new RecordingSink() });
    h.director.leave(first.viewerId);
    expect(h.director.channelSnapshots()[0]?.teardownPending).toBe(true);
    const second = new RecordingSink();
    await h.director.tuneIn(1, { sink: second });
    expect(h.eventsOf("teardown-cancelled")).toEqual([{ type: "teardown-cancelled", channel: 1, reason: "viewer_inactive" }]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ teardownPending: false, viewers: 1 });
    await live();
    await advance(h.clock, 30_000); // through the next boundary too
    expect(teardownCalls()).toEqual([]);
    expect(h.engine.count("acquireChannel")).toBe(1);
    expect(second.writableEnded).toBe(false);
  });

  it("operator stop goes through the same gate: deferred while transient, viewers ended only at teardown", async () => {
    h = await createHarness();
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) await h.director.tuneIn(1, { sink });
    const stopped = h.director.stopChannel(1);
    await advance(h.clock, 0);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ teardownPending: true, teardownReason: "operator_stop", viewers: 2 });
    expect(sinks.some((s) => s.writableEnded)).toBe(false);
    // A viewer arriving now does not cancel an operator stop: it gets a fresh session afterwards.
    const late = h.director.tuneIn(1, { sink: new RecordingSink() });
    expect(await drive(h.clock, stopped)).toBe(true);
    expect(h.engine.calls.find((c) => c.method === "detachStream")?.atMs).toBe(FIRST_LIVE);
    expect(sinks.every((s) => s.writableEnded)).toBe(true);
    await drive(h.clock, late);
    expect(h.engine.count("acquireChannel", 1)).toBe(2);
    expect(h.eventsOf("teardown-cancelled")).toEqual([]);
  });

  it("a double stop is safe: one teardown, both callers resolve; stopping a stopped channel is false", async () => {
    h = await createHarness();
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await live();
    const [a, b] = await Promise.all([h.director.stopChannel(1), h.director.stopChannel(1)]);
    expect([a, b]).toEqual([true, true]);
    expect(teardownCalls()).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
    expect(await h.director.stopChannel(1)).toBe(false);
    expect(h.eventsOf("teardown-completed")).toHaveLength(1);
  });

  it("a hung StopChannel cannot stall teardown: at stopTimeoutMs the engine is released as stop_timed_out", async () => {
    h = await createHarness({ options: { stopTimeoutMs: 2_000 } });
    h.engine.script("stopChannel", { kind: "hang-forever" });
    const sink = new RecordingSink();
    const { viewerId } = await h.director.tuneIn(1, { sink });
    await live();
    h.director.leave(viewerId);
    await waitUntil(() => h.engine.count("stopChannel") === 1, "StopChannel sent");
    await advance(h.clock, 1_999);
    expect(h.engine.count("releaseChannel")).toBe(0);
    expect(h.director.sessionCount).toBe(1);
    await advance(h.clock, 1);
    await waitUntil(() => h.director.sessionCount === 0, "teardown completed");
    expect(h.engine.calls.at(-1)).toMatchObject({ method: "releaseChannel", releaseReason: "stop_timed_out" });
    expect(h.eventsOf("teardown-completed")[0]).toMatchObject({ stop: "stop_timed_out", durationMs: 2_000 });
    expect(sink.writableEnded).toBe(true);
  });

  it("a failing StopChannel is reported through releaseChannel('stop_failed')", async () => {
    h = await createHarness();
    h.engine.script("stopChannel", { kind: "error", error: "unavailable" });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await live();
    await h.director.stopChannel(1);
    expect(h.engine.calls.at(-1)).toMatchObject({ method: "releaseChannel", releaseReason: "stop_failed" });
  });

  it("a tune-in during an executing teardown waits for it, then starts a fresh session", async () => {
    h = await createHarness({ options: { stopTimeoutMs: 1_000 } });
    h.engine.script("stopChannel", { kind: "hang-forever" });
    const { viewerId } = await h.director.tuneIn(1, { sink: new RecordingSink() });
    await live();
    h.director.leave(viewerId);
    await waitUntil(() => h.engine.count("stopChannel") === 1, "StopChannel sent");
    expect(h.director.channelSnapshots()[0]?.phase).toBe("stopping");
    const again = h.director.tuneIn(1, { sink: new RecordingSink() });
    await advance(h.clock, 1_000);
    await again;
    const methods = h.engine.methods(1);
    const released = methods.indexOf("releaseChannel");
    expect(methods.slice(released, released + 4)).toEqual(["releaseChannel", "acquireChannel", "attachStream", "startChannel"]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "running", viewers: 1 });
  });

  it("the engine's stream closing unexpectedly with no viewer left tears the session down at once", async () => {
    h = await createHarness({ connectStreams: true });
    const { viewerId } = await h.director.tuneIn(1, { sink: new RecordingSink() });
    await live();
    h.director.leave(viewerId); // the teardown is deferred or running; either way the engine's loss ends it
    h.engine.streams.get(1)?.destroy();
    await waitUntil(() => h.director.sessionCount === 0, "session torn down");
    expect(h.eventsOf("engine-failed")).toEqual([]);
    expect(h.eventsOf("restart-scheduled")).toEqual([]);
  });

  it("fans the engine's bytes out from the next PAT; a slow viewer is evicted and counted, the fast one unaffected", async () => {
    h = await createHarness({ connectStreams: true, hubOptions: { coalesceMaxDelayMs: 0, maxViewerQueueBytes: 64 * 1024 } });
    const fast = new PassThrough();
    const got: Buffer[] = [];
    fast.on("data", (chunk: Buffer) => got.push(chunk));
    const slow = new PassThrough({ highWaterMark: 1024 }); // never read
    await h.director.tuneIn(1, { sink: fast });
    await h.director.tuneIn(1, { sink: slow });
    await live();
    const stream = tsStream(2_000, { patEvery: 50, patOffset: 3 });
    for (let off = 0; off < stream.length; off += 100 * 188) {
      h.engine.write(1, stream.subarray(off, off + 100 * 188));
      await waitUntil(() => (h.director.channelSnapshots()[0]?.hub.bytesIn ?? 0) >= Math.min(stream.length, off + 100 * 188), "hub read");
    }
    await waitUntil(() => Buffer.concat(got).length === stream.length - 3 * 188, "fast viewer got everything");
    expect(Buffer.concat(got).equals(stream.subarray(3 * 188))).toBe(true);
    expect(slow.destroyed).toBe(true);
    const left = h.eventsOf("viewer-left");
    expect(left).toEqual([expect.objectContaining({ channel: 1, cause: "evicted", viewers: 1, queuedBytes: expect.any(Number) })]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ viewers: 1, hub: { viewersEvicted: 1 } });
  });
});
