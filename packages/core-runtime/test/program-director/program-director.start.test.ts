import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ChannelStartError,
  NoTunerAvailableError,
  ProgramDirector,
  TuneInAbortedError,
  UnknownChannelError,
} from "../../src/index.js";
import { advance, closeAndAssertClean, createHarness, drive, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, waitUntil } from "../stream-hub/stream-hub.fixtures.js";

let h: Harness;

afterEach(() => closeAndAssertClean(h));

describe("ProgramDirector tune-in: start", () => {
  it("first viewer opens the socket, acquires, attaches, then starts the channel", async () => {
    h = await createHarness();
    const sink = new RecordingSink();
    const viewer = await h.director.tuneIn(1, { sink, label: "test" });
    expect(viewer).toEqual({ viewerId: expect.any(String), channelNumber: 1 });
    expect(h.engine.methods(1).slice(0, 3)).toEqual(["acquireChannel", "attachStream", "startChannel"]);
    const attach = h.engine.calls.find((c) => c.method === "attachStream");
    expect(attach?.params).toEqual({ channelId: 1, socketPath: join(h.runtimeDir, "ch_1.sock"), replaceExisting: true });
    expect(existsSync(join(h.runtimeDir, "ch_1.sock"))).toBe(true);
    const [snapshot] = h.director.channelSnapshots();
    expect(snapshot).toMatchObject({ channelNumber: 1, phase: "running", viewers: 1, provisional: true, isLive: false, restartAttempts: 0 });
    expect(snapshot?.hub.viewers).toBe(1);
    expect(sink.writableEnded).toBe(false);
  });

  it("concurrent tune-ins to one channel start it once", async () => {
    h = await createHarness();
    h.engine.script("startChannel", { kind: "ok", delayMs: 100 });
    const pending = Array.from({ length: 5 }, () => h.director.tuneIn(2, { sink: new RecordingSink() }));
    await waitUntil(() => h.engine.count("startChannel") === 1, "StartChannel sent");
    await advance(h.clock, 100);
    const viewers = await Promise.all(pending);
    expect(new Set(viewers.map((v) => v.viewerId)).size).toBe(5);
    expect(h.engine.count("acquireChannel")).toBe(1);
    expect(h.engine.count("attachStream")).toBe(1);
    expect(h.engine.count("startChannel")).toBe(1);
    expect(h.director.channelSnapshots()[0]?.viewers).toBe(5);
    expect(h.director.viewerCount).toBe(5);
  });

  it("starts many channels in parallel: no channel waits for another's engine answer", async () => {
    h = await createHarness();
    h.engine.setDefault("acquireChannel", { kind: "ok", delayMs: 500 });
    const pending = [1, 2, 3].map((ch) => h.director.tuneIn(ch, { sink: new RecordingSink() }));
    await waitUntil(() => h.engine.count("acquireChannel") === 3, "three acquires in flight");
    expect(h.clock.now()).toBe(1_000_000); // all three asked before any was answered
    await advance(h.clock, 500);
    const viewers = await Promise.all(pending);
    expect(viewers.map((v) => v.channelNumber)).toEqual([1, 2, 3]);
    expect(h.director.sessionCount).toBe(3);
  });

  it("a refused StartChannel rejects every waiting viewer with ChannelStartError and leaves nothing behind", async () => {
    h = await createHarness();
    h.engine.script("startChannel", { kind: "error", error: "internal" });
    const sinks = [new RecordingSink(), new RecordingSink()];
    const results = await Promise.allSettled(sinks.map((sink) => h.director.tuneIn(1, { sink })));
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const error = (result as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ChannelStartError);
      expect(error).toMatchObject({ code: "channel_start_failed", channelNumber: 1, stage: "start" });
    }
    await waitUntil(() => h.director.sessionCount === 0, "slot freed");
    expect(h.engine.methods(1)).toEqual(["acquireChannel", "attachStream", "startChannel", "detachStream", "stopChannel", "releaseChannel"]);
    expect(h.engine.calls.at(-1)?.releaseReason).toBe("start_failed");
    expect(h.socketFiles()).toEqual([]);
    expect(h.director.viewerCount).toBe(0);
    expect(h.managers[0]?.manager.lifePhase).toBe("disposed");
    expect(h.eventsOf("start-failed")).toHaveLength(1);
    // The next tune-in tries afresh.
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    expect(h.engine.count("startChannel", 1)).toBe(2);
    expect(h.director.channelSnapshots()[0]?.phase).toBe("running");
  });

  it("an unreachable engine fails the start at acquire: no attach, no release of what was never acquired", async () => {
    h = await createHarness();
    h.engine.script("acquireChannel", { kind: "error", error: "unavailable" });
    await expect(h.director.tuneIn(1, { sink: new RecordingSink() })).rejects.toMatchObject({
      stage: "acquire",
      failure: { kind: "error", error: "unavailable" },
    });
    await waitUntil(() => h.director.sessionCount === 0, "slot freed");
    expect(h.engine.methods(1)).toEqual(["acquireChannel"]);
  });

  it("a refused AttachStream fails the start at attach and releases the engine", async () => {
    h = await createHarness();
    h.engine.script("attachStream", { kind: "rejected", code: "failed" });
    await expect(h.director.tuneIn(1, { sink: new RecordingSink() })).rejects.toMatchObject({ stage: "attach" });
    await waitUntil(() => h.director.sessionCount === 0, "slot freed");
    expect(h.engine.methods(1)).toEqual(["acquireChannel", "attachStream", "detachStream", "releaseChannel"]);
  });

  it("a start that hangs times out at startTimeoutMs (not 1 ms before) and is cleaned up", async () => {
    h = await createHarness({ options: { startTimeoutMs: 3_000 } });
    h.engine.script("startChannel", { kind: "hang-forever" });
    let settled = false;
    const pending = h.director.tuneIn(1, { sink: new RecordingSink() });
    pending.catch(() => undefined).finally(() => (settled = true));
    await waitUntil(() => h.engine.count("startChannel") === 1, "StartChannel sent");
    await advance(h.clock, 2_999);
    expect(settled).toBe(false);
    await advance(h.clock, 1);
    await expect(pending).rejects.toMatchObject({ stage: "start", failure: { error: "deadline_exceeded" } });
    await waitUntil(() => h.director.sessionCount === 0, "slot freed");
    expect(h.engine.methods(1).slice(3)).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
  });

  it("rejects an unknown channel with UnknownChannelError, touching no engine", async () => {
    h = await createHarness();
    await expect(h.director.tuneIn(99, { sink: new RecordingSink() })).rejects.toBeInstanceOf(UnknownChannelError);
    expect(h.engine.calls).toEqual([]);
    expect(h.director.sessionCount).toBe(0);
  });

  it("enforces the tuner budget with NoTunerAvailableError, and frees the tuner at teardown", async () => {
    h = await createHarness({ options: { tunerBudget: 2 } });
    const a = await h.director.tuneIn(1, { sink: new RecordingSink() });
    await h.director.tuneIn(2, { sink: new RecordingSink() });
    const refused = h.director.tuneIn(3, { sink: new RecordingSink() });
    await expect(refused).rejects.toBeInstanceOf(NoTunerAvailableError);
    await expect(refused).rejects.toMatchObject({ code: "no_tuner_available", channelNumber: 3, tunerBudget: 2 });
    expect(h.engine.count("acquireChannel", 3)).toBe(0);
    // Another viewer of a running channel needs no new tuner.
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    expect(await drive(h.clock, h.director.stopChannel(1))).toBe(true); // frees channel 1's tuner once torn down
    expect(a.viewerId).toBeDefined();
    await h.director.tuneIn(3, { sink: new RecordingSink() });
    expect(h.director.channelSnapshots().map((s) => s.channelNumber)).toEqual([2, 3]);
  });

  it("a viewer whose response closes while the channel starts gets TuneInAbortedError; the channel then tears down", async () => {
    h = await createHarness();
    h.engine.script("startChannel", { kind: "ok", delayMs: 200 });
    const sink = new RecordingSink();
    const pending = h.director.tuneIn(1, { sink });
    await waitUntil(() => h.engine.count("startChannel") === 1, "StartChannel sent");
    sink.destroy();
    await expect(pending).rejects.toEqual(new TuneInAbortedError(1, "viewer_left"));
    expect(h.director.viewerCount).toBe(0);
    await advance(h.clock, 200);
    // No viewer: teardown requested through the gate at once after start (deferred: a boundary is in flight).
    expect(h.eventsOf("teardown-requested")).toEqual([{ type: "teardown-requested", channel: 1, reason: "viewer_inactive", deferred: true }]);
    expect(sink.listenerCount("close")).toBe(0);
  });

  it("validates its options at construction", () => {
    const deps = { engine: {} as never, schedule: {} as never, clock: {} as never, runtimeDir: "/tmp" };
    expect(() => new ProgramDirector(deps, { tunerBudget: 0 })).toThrow(RangeError);
    expect(() => new ProgramDirector(deps, { stopTimeoutMs: 5 })).toThrow(/stopTimeoutMs/);
    expect(() => new ProgramDirector(deps, { restartBackoffMs: [1000, -1] })).toThrow(/restartBackoffMs\[1\]/);
  });
});

