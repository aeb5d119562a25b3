import { afterEach, describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../src/index.js";
import { advance, closeAndAssertClean, createHarness, drive, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, waitUntil } from "../stream-hub/stream-hub.fixtures.js";

const T0 = 1_000_000;
const FIRST_LIVE = T0 + 7_000;

let h: Harness;

afterEach(() => closeAndAssertClean(h));

describe("ProgramDirector shutdown", () => {
  it("stops accepting viewers, tears LIVE channels down at once and waits for transient ones to settle", async () => {
    h = await createHarness();
    const liveSink = new RecordingSink();
    await h.director.tuneIn(1, { sink: liveSink });
    await advance(h.clock, FIRST_LIVE - T0);
    const transientSink = new RecordingSink();
    await h.director.tuneIn(2, { sink: transientSink }); // starts at FIRST_LIVE: transient for 7 s
    let done = false;
    const shutdown = h.director.shutdown();
    void shutdown.then(() => (done = true));
    expect(h.director.shutdown()).toBe(shutdown); // idempotent
    await expect(h.director.tuneIn(3, { sink: new RecordingSink() })).rejects.toBeInstanceOf(ShuttingDownError);
    await waitUntil(() => h.director.sessionCount === 1, "LIVE channel torn down");
    expect(liveSink.writableEnded).toBe(true);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ channelNumber: 2, teardownPending: true, teardownReason: "shutdown" });
    await advance(h.clock, 6_999);
    expect(done).toBe(false);
    await advance(h.clock, 1); // channel 2 goes LIVE: its deferred teardown runs
    await shutdown;
    expect(transientSink.writableEnded).toBe(true);
    expect(h.eventsOf("teardown-completed").map((e) => [e.channel, e.reason, e.forced])).toEqual([
      [1, "shutdown", false],
      [2, "shutdown", false],
    ]);
    expect(h.clock.armedTimerCount).toBe(0);
    const calls = h.engine.calls.length;
    await advance(h.clock, 3_600_000); // nothing fires after shutdown
    expect(h.engine.calls.length).toBe(calls);
  });

  it("forces the channels still transient when the grace expires (not 1 ms before)", async () => {
    h = await createHarness({ options: { shutdownGraceMs: 3_000 } });
    h.engine.setDefault("switchToLive", { kind: "hang-forever" }); // stuck in SWITCH_ISSUED
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    let done = false;
    const shutdown = h.director.shutdown();
    void shutdown.then(() => (done = true));
    await advance(h.clock, 2_999);
    expect(h.engine.count("detachStream")).toBe(0);
    expect(done).toBe(false);
    await advance(h.clock, 1);
    await shutdown;
    expect(h.engine.calls.find((c) => c.method === "detachStream")).toMatchObject({ atMs: T0 + 3_000, params: { channelId: 1, force: true } });
    expect(h.engine.methods(1).slice(-3)).toEqual(["detachStream", "stopChannel", "releaseChannel"]);
    expect(h.eventsOf("teardown-completed")).toEqual([expect.objectContaining({ reason: "shutdown", forced: true })]);
    expect(sink.writableEnded).toBe(true);
    expect(h.clock.armedTimerCount).toBe(0);
  });

  it("aborts a start in flight: its viewers get ShuttingDownError and the aborted acquire is still released", async () => {
    h = await createHarness();
    h.engine.script("acquireChannel", { kind: "hang" });
    const outcome = h.director.tuneIn(1, { sink: new RecordingSink() }).catch((error: unknown) => error);
    await waitUntil(() => h.engine.count("acquireChannel") === 1, "acquire in flight");
    await h.director.shutdown();
    expect(await outcome).toBeInstanceOf(ShuttingDownError);
    expect(h.engine.methods(1)).toEqual(["acquireChannel", "releaseChannel"]);
    expect(h.engine.calls.at(-1)?.releaseReason).toBe("start_failed");
  });

  it("cancels a pending restart and waiting tune-ins are told the director is shutting down", async () => {
    h = await createHarness({ options: { stopTimeoutMs: 1_000 } });
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await advance(h.clock, 1_500);
    expect(h.director.channelSnapshots()[0]?.phase).toBe("restarting");
    await drive(h.clock, h.director.shutdown());
    expect(h.engine.count("acquireChannel")).toBe(1);
    expect(h.clock.armedTimerCount).toBe(0);
    await expect(h.director.tuneIn(1, { sink: new RecordingSink() })).rejects.toMatchObject({ code: "shutting_down" });
  });
});
