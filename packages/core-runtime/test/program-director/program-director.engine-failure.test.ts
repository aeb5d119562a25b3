import { afterEach, describe, expect, it } from "vitest";
import { advance, closeAndAssertClean, createHarness, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, waitUntil } from "../stream-hub/stream-hub.fixtures.js";
import { CcCounters, continuityErrors, parsePackets, programStream } from "../stream-hub/ts-program.fixtures.js";

let h: Harness;

afterEach(() => closeAndAssertClean(h));

/** Advances the clock in 100 ms steps until the channel is LIVE (the start rule decides when). */
async function untilLive(): Promise<void> {
  for (let i = 0; i < 600 && h.director.channelSnapshots()[0]?.isLive !== true; i++) await advance(h.clock, 100);
  expect(h.director.channelSnapshots()[0]).toMatchObject({ isLive: true, phase: "running" });
}

/** Writes a GOP into the channel's stream and waits until the hub has read it. */
async function writeGop(cc: CcCounters, gop = 0): Promise<void> {
  const data = programStream(1, 8, cc, gop);
  const target = (h.director.channelSnapshots()[0]?.hub.bytesIn ?? 0) + data.length;
  h.engine.write(1, data);
  await waitUntil(() => (h.director.channelSnapshots()[0]?.hub.bytesIn ?? 0) >= target, "hub read the GOP");
}

const acquires = (): number => h.engine.count("acquireChannel", 1);

describe("ProgramDirector engine failure under viewers", () => {
  it("a lost stream restarts the engine after 1 s with the viewers kept, and their bytes resume spliced", async () => {
    h = await createHarness({ connectStreams: true });
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    await untilLive();
    await writeGop(new CcCounters());
    const before = sink.received().length;
    expect(before).toBe(8 * 188);
    h.engine.streams.get(1)?.destroy(); // the engine died: its stream socket closes
    await waitUntil(() => h.director.channelSnapshots()[0]?.phase === "restarting", "restarting");
    expect(h.eventsOf("engine-failed")).toEqual([{ type: "engine-failed", channel: 1, reason: "stream_lost", viewers: 1 }]);
    expect(h.eventsOf("viewer-left")).toEqual([]);
    expect(sink.writableEnded).toBe(false);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ viewers: 1, lastFailureReason: "stream_lost", restartAttempts: 1 });
    await advance(h.clock, 1_000);
    expect(acquires()).toBe(2);
    await waitUntil(() => h.director.channelSnapshots()[0]?.hub.engineConnected === true, "new stream connected");
    await writeGop(new CcCounters()); // counters start over in the new engine
    await waitUntil(() => sink.received().length > before, "bytes resumed");
    const packets = parsePackets(sink.received());
    expect(continuityErrors(packets)).toBe(0);
    expect(packets[8]).toMatchObject({ pid: 0, discontinuity: true }); // the splice starts at a marked PAT
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "running", restarts: 1, viewers: 1 });
  });

  it("an engine that keeps failing ends the viewers after the 5 tries, with restart_exhausted as the cause", async () => {
    h = await createHarness({ connectStreams: true });
    h.engine.script("startChannel", { kind: "ok" }, ...Array.from({ length: 5 }, () => ({ kind: "error" as const, error: "unavailable" as const })));
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    await untilLive();
    h.engine.streams.get(1)?.destroy();
    await advance(h.clock, 1_000 + 2_000 + 4_000 + 8_000 + 16_000);
    await waitUntil(() => h.director.sessionCount === 0, "session ended");
    expect(acquires()).toBe(6);
    expect(h.eventsOf("restart-exhausted")).toEqual([{ type: "restart-exhausted", channel: 1, attempts: 5 }]);
    expect(h.eventsOf("viewer-left").map((e) => e.cause)).toEqual(["restart_exhausted"]);
    expect(sink.writableEnded).toBe(true);
    expect(h.eventsOf("teardown-completed")).toEqual([expect.objectContaining({ reason: "restart_exhausted" })]);
  });
});

describe("ProgramDirector output watchdog", () => {
  const BOUND = 4_000;

  it("a LIVE engine silent for the bound is released as engine_hung (nothing asked of it) and restarted", async () => {
    h = await createHarness({ connectStreams: true, options: { outputWatchdogMs: BOUND } });
    const sink = new RecordingSink();
    await h.director.tuneIn(1, { sink });
    await untilLive();
    const cc = new CcCounters();
    // Bytes every second keep it quiet, however long.
    for (let i = 0; i < 10; i++) {
      await writeGop(cc, i);
      await advance(h.clock, 1_000);
    }
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([]);
    await writeGop(cc, 10);
    const lastByteAt = h.clock.now();
    const callsBefore = h.engine.calls.length;
    await advance(h.clock, BOUND - 1);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([]);
    await advance(h.clock, 1);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([{ type: "output-watchdog-tripped", channel: 1, silentMs: BOUND }]);
    expect(h.clock.now() - lastByteAt).toBe(BOUND);
    await waitUntil(() => h.director.channelSnapshots()[0]?.phase === "restarting", "restarting");
    // A hung engine is asked nothing more: no DetachStream or StopChannel deadlines on the path.
    const after = h.engine.calls.slice(callsBefore).filter((c) => ["detachStream", "stopChannel", "releaseChannel"].includes(c.method));
    expect(after.map((c) => [c.method, c.releaseReason])).toEqual([["releaseChannel", "engine_hung"]]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ outputWatchdogTrips: 1, lastFailureReason: "output_watchdog", viewers: 1 });
    expect(sink.writableEnded).toBe(false);
    await advance(h.clock, 1_000);
    expect(acquires()).toBe(2);
  });

  it("an engine that never writes after LIVE trips the watchdog three bounds after LIVE (a slow first byte is not a hang)", async () => {
    h = await createHarness({ connectStreams: true, options: { outputWatchdogMs: BOUND } });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await untilLive();
    const liveAt = h.director.channelSnapshots()[0]?.liveAtMs as number;
    await advance(h.clock, liveAt + 3 * BOUND - 1 - h.clock.now());
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([]);
    await advance(h.clock, 1);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([{ type: "output-watchdog-tripped", channel: 1, silentMs: 3 * BOUND }]);
  });

  it("a late first byte (after the first check) is followed by the plain bound: a stall then trips one bound after the last byte", async () => {
    h = await createHarness({ connectStreams: true, options: { outputWatchdogMs: BOUND } });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await untilLive();
    const cc = new CcCounters();
    // Silent through the first check (LIVE + 4 s), then bytes at + 5 s and + 6 s, then nothing.
    await advance(h.clock, 5_000);
    await writeGop(cc, 0);
    await advance(h.clock, 1_000);
    await writeGop(cc, 1);
    const lastByteAt = h.clock.now();
    await advance(h.clock, BOUND - 1);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([]);
    await advance(h.clock, 1);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([{ type: "output-watchdog-tripped", channel: 1, silentMs: BOUND }]);
    expect(h.clock.now() - lastByteAt).toBe(BOUND);
  });

  it("0 turns the watchdog off: a silent engine is left alone and no timer is kept for it", async () => {
    h = await createHarness({ connectStreams: true, options: { outputWatchdogMs: 0 } });
    await h.director.tuneIn(1, { sink: new RecordingSink() });
    await untilLive();
    await advance(h.clock, 20_000);
    expect(h.eventsOf("output-watchdog-tripped")).toEqual([]);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "running", outputWatchdogTrips: 0 });
  });

  it("rejects a bound below 500 ms, except 0", async () => {
    await expect(createHarness({ options: { outputWatchdogMs: 499 } })).rejects.toThrow(/outputWatchdogMs/);
    h = await createHarness({ options: { outputWatchdogMs: 500 } });
  });
});
