import { afterEach, describe, expect, it } from "vitest";
import { advance, closeAndAssertClean, createHarness, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, waitUntil } from "../stream-hub/stream-hub.fixtures.js";
import { CcCounters, continuityErrors, parsePackets, programStream } from "../stream-hub/ts-program.fixtures.js";

const T0 = 1_000_000;
/** The first switch is issued 1.5 s after start (7 s preload lead − 5 s prefeed − 0.5 s margin). */
const FIRST_SWITCH = T0 + 1_500;

let h: Harness;

afterEach(() => closeAndAssertClean(h));

const acquireTimes = (): number[] => h.engine.calls.filter((c) => c.method === "acquireChannel").map((c) => c.atMs);

describe("ProgramDirector restart after a terminal failure", () => {
  it("tears the engine side down and starts a fresh session after 1 s, viewers staying connected", async () => {
    h = await createHarness();
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    await advance(h.clock, FIRST_SWITCH - T0);
    // Terminal → engine side torn down, hub and viewer kept.
    expect(h.engine.methods(1).slice(-3)).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
    expect(h.engine.calls.at(-1)?.releaseReason).toBe("stopped");
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "restarting", viewers: 1, restartAttempts: 1, nextRestartAtMs: FIRST_SWITCH + 1_000 });
    expect(h.eventsOf("restart-scheduled")).toEqual([
      { type: "restart-scheduled", channel: 1, attempt: 1, delayMs: 1_000, reason: expect.stringContaining("SwitchToLive") },
    ]);
    await advance(h.clock, 999);
    expect(acquireTimes()).toEqual([T0]);
    await advance(h.clock, 1);
    expect(acquireTimes()).toEqual([T0, FIRST_SWITCH + 1_000]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "running", viewers: 1 });
    expect(sink.writableEnded).toBe(false);
    expect(h.director.channelSnapshots()[0]?.hub.viewers).toBe(1);
    // The new session goes LIVE: the restart count resets.
    await advance(h.clock, 7_000);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ isLive: true, restartAttempts: 0 });
  });

  it("backs off 1, 2, 4, 8, 16 s, gives up after 5 tries and ends the viewers cleanly", async () => {
    h = await createHarness();
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    h.engine.script("startChannel", { kind: "ok" }, ...Array.from({ length: 5 }, () => ({ kind: "error" as const, error: "internal" as const })));
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    await advance(h.clock, 40_000);
    const times = acquireTimes();
    expect(times.slice(1).map((t, i) => t - (i === 0 ? FIRST_SWITCH : (times[i] as number)))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(h.eventsOf("restart-scheduled").map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [4, 8_000],
      [5, 16_000],
    ]);
    expect(h.eventsOf("restart-exhausted")).toEqual([{ type: "restart-exhausted", channel: 1, attempts: 5 }]);
    await waitUntil(() => h.director.sessionCount === 0, "session ended");
    expect(sink.writableEnded).toBe(true);
    expect(sink.destroyed).toBe(false);
    expect(h.eventsOf("teardown-completed").at(-1)).toMatchObject({ reason: "restart_exhausted" });
    // Every failed try released what it acquired.
    expect(h.engine.calls.filter((c) => c.method === "releaseChannel").map((c) => c.releaseReason)).toEqual([
      "stopped",
      "start_failed",
      "start_failed",
      "start_failed",
      "start_failed",
      "start_failed",
    ]);
  });

  it("resets the backoff after a LIVE: the next terminal waits 1 s again", async () => {
    h = await createHarness();
    // Session 1 fails its first switch; session 2 goes LIVE, then fails its next boundary.
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" }, { kind: "ok" }, { kind: "rejected", code: "failed" });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    // Session 2 starts at T0+2.5 s, is LIVE at T0+9.5 s; its next switch (boundary 1 020 000) is issued at 1 014 500.
    await advance(h.clock, 1_014_500 - T0);
    expect(h.eventsOf("session-live")).toHaveLength(1);
    expect(h.eventsOf("restart-scheduled").map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 1_000],
      [1, 1_000],
    ]);
  });

  it("a terminal failure with no viewer left tears down instead of restarting", async () => {
    h = await createHarness({ options: { restartBackoffMs: [500] } });
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    const { viewerId } = await h.director.tuneIn(1, { sink: new RecordingSink() });
    h.director.leave(viewerId); // deferred: a boundary is in flight
    await advance(h.clock, FIRST_SWITCH - T0);
    await waitUntil(() => h.director.sessionCount === 0, "torn down");
    expect(h.eventsOf("restart-scheduled")).toEqual([]);
    expect(h.eventsOf("teardown-completed")).toEqual([expect.objectContaining({ reason: "viewer_inactive" })]);
  });

  it("viewers leaving during the backoff end the session without another start and leave no timer", async () => {
    h = await createHarness();
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    const { viewerId } = await h.director.tuneIn(1, { sink: new RecordingSink() });
    await advance(h.clock, FIRST_SWITCH - T0);
    expect(h.director.channelSnapshots()[0]?.phase).toBe("restarting");
    h.director.leave(viewerId);
    await waitUntil(() => h.director.sessionCount === 0, "session ended");
    expect(h.clock.armedTimerCount).toBe(0);
    await advance(h.clock, 60_000);
    expect(acquireTimes()).toEqual([T0]);
  });

  it("a restarted engine's stream reaches the kept viewers spliced in at its keyframe", async () => {
    h = await createHarness({ connectStreams: true });
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    const before = programStream(1, 8);
    h.engine.write(1, before);
    await waitUntil(() => sink.received().length === before.length, "first stream delivered");
    await advance(h.clock, FIRST_SWITCH + 1_000 - T0);
    await waitUntil(() => h.engine.streams.has(1) && h.director.channelSnapshots()[0]?.hub.engineConnected === true, "reconnected");
    // The new engine's counters start over; its first PAT/PMT + keyframe opens the splice.
    const after = programStream(2, 8, new CcCounters());
    h.engine.write(1, after);
    // + a discontinuity marker before the PAT, the PMT and the first audio packet
    await waitUntil(() => sink.received().length === before.length + after.length + 3 * 188, "second stream delivered");
    const packets = parsePackets(sink.received());
    expect(continuityErrors(packets)).toBe(0);
    expect(packets.slice(8).filter((p) => p.discontinuity).length).toBe(4); // PAT, PMT, video, audio
    expect(h.eventsOf("engine-disconnected")).toEqual([{ type: "engine-disconnected", channel: 1, expected: true }]);
    expect(sink.writableEnded).toBe(false);
  });
});
