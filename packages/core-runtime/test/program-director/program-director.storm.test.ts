import { afterEach, describe, expect, it } from "vitest";
import { ChannelStartError, NoTunerAvailableError, TuneInAbortedError } from "../../src/index.js";
import { advance, createHarness, ioTurns, type Answer, type Harness } from "./program-director.fixtures.js";
import { RecordingSink } from "../stream-hub/stream-hub.fixtures.js";

/** mulberry32: a small seeded PRNG, so a failing storm can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let h: Harness;

afterEach(async () => {
  await h.close();
});

interface StormResult {
  readonly sinks: RecordingSink[];
  readonly errors: unknown[];
}

/** 1,000 seeded random operations on 10 channels, then everyone leaves and the clock runs out. */
async function storm(seed: number): Promise<StormResult> {
  const channels = CHANNELS;
  const rand = prng(seed);
  const faults = prng(seed * 7919);
  h.engine.decide = (method): Answer | undefined => {
    const roll = faults();
    if (method === "startChannel" && roll < 0.05) return { kind: "error", error: "internal" };
    if (method === "switchToLive" && roll < 0.05) return { kind: "rejected", code: "protocol_violation" };
    if (method === "stopChannel" && roll < 0.03) return { kind: "hang-forever" };
    return undefined;
  };
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rand() * items.length)];
  const sinks: RecordingSink[] = [];
  const admitted = new Map<string, { sink: RecordingSink; channel: number }>();
  const tuneIns: Array<Promise<unknown>> = [];
  const errors: unknown[] = [];

  for (let op = 0; op < 1_000; op++) {
    const roll = rand();
    if (roll < 0.4) {
      const sink = new RecordingSink();
      sinks.push(sink);
      const channel = pick(channels) as number;
      tuneIns.push(
        h.director.tuneIn(channel, { sink }).then(
          (viewer) => admitted.set(viewer.viewerId, { sink, channel }),
          (error: unknown) => errors.push(error),
        ),
      );
    } else if (roll < 0.65) {
      const id = pick([...admitted.keys()]);
      if (id !== undefined) {
        const { sink, channel } = admitted.get(id) as { sink: RecordingSink; channel: number };
        admitted.delete(id);
        const open = !sink.writableEnded && !sink.destroyed;
        const stopping = h.director.channelSnapshots().some((s) => s.channelNumber === channel && s.phase === "stopping");
        const left = h.director.leave(id);
        // The director holds a viewer while its response is open; only an executing
        // teardown (which ends responses itself) may still hold one it has ended.
        if (open) expect(left).toBe(true);
        else if (!stopping) expect(left).toBe(false);
      }
    } else if (roll < 0.75) {
      pick(sinks.filter((s) => !s.destroyed))?.destroy(); // the client goes away
    } else if (roll < 0.8) {
      void h.director.stopChannel(pick(channels) as number);
    } else if (roll < 0.92) {
      await advance(h.clock, Math.floor(rand() * 3_000));
    } else {
      await ioTurns(1 + Math.floor(rand() * 4));
    }
  }

  // Everyone leaves, the engine stops misbehaving, and the clock may run 2 minutes: enough
  // for any deferred teardown (grace 10 s) and stop deadline (2 s), far too little for a
  // leaked session to be cleaned up by chance.
  h.engine.decide = undefined;
  await ioTurns(20);
  for (const id of [...admitted.keys()]) h.director.leave(id);
  for (const sink of sinks) if (!sink.destroyed) sink.destroy();
  let clockBudgetMs = 120_000;
  for (let i = 0; i < 20_000 && (h.director.sessionCount > 0 || h.clock.armedTimerCount > 0); i++) {
    // A real socket still opening, or a teardown's socket close / unlink (thread-pool I/O),
    // and anything after the clock budget is spent: wait on I/O without moving the clock.
    if (clockBudgetMs <= 0 || h.director.channelSnapshots().some((snap) => snap.phase === "starting")) {
      await ioTurns(5);
      continue;
    }
    clockBudgetMs -= 1_000;
    await advance(h.clock, 1_000);
  }
  await Promise.all(tuneIns);
  return { sinks, errors };
}

function expectNothingLeft({ sinks, errors }: StormResult): void {
  expect(h.director.sessionCount).toBe(0);
  expect(h.director.viewerCount).toBe(0);
  expect(h.director.channelSnapshots()).toEqual([]);
  expect(h.socketFiles()).toEqual([]);
  expect(h.openMemoryHubs.size).toBe(0);
  expect(h.clock.armedTimerCount).toBe(0);
  expect(h.engine.acquired.size).toBe(0);
  expect(h.engine.count("releaseChannel")).toBe(h.engine.count("acquireChannel"));
  // Every tune-in ended in a viewer or a typed error, never a raw crash.
  for (const error of errors) {
    expect([NoTunerAvailableError, ChannelStartError, TuneInAbortedError].some((type) => error instanceof type)).toBe(true);
  }
  // Every response the director took ended cleanly or was dropped by its client.
  for (const sink of sinks) expect(sink.writableEnded || sink.destroyed).toBe(true);
}

const CHANNELS = Array.from({ length: 10 }, (_, i) => i + 1);

describe("ProgramDirector connect/disconnect storm", () => {
  it.each([1, 4])(
    "1,000 random join/leave operations on 10 channels leave zero channels, hubs, timers and viewers (in-memory hubs, seed %i)",
    async (seed) => {
      h = await createHarness({ channels: CHANNELS, hub: "memory", options: { tunerBudget: 8, stopTimeoutMs: 2_000 } });
      const result = await storm(seed);
      expectNothingLeft(result);
      // The storm really exercised the paths it is meant to (deterministic with memory hubs).
      const count = (type: string): number => h.events.filter((e) => e.type === type).length;
      expect(count("session-started")).toBeGreaterThan(20);
      expect(h.events.filter((e) => e.type === "teardown-requested" && e.deferred).length).toBeGreaterThan(0);
      expect(count("teardown-cancelled")).toBeGreaterThan(0);
      expect(count("restart-scheduled")).toBeGreaterThan(0);
      expect(count("start-failed")).toBeGreaterThan(0);
      expect(count("teardown-completed")).toBe(h.events.filter((e) => e.type === "session-starting" && e.restartAttempt === 0).length);
    },
    60_000,
  );

  it("the same storm on real StreamHubs leaves zero channels, socket files, timers and viewers", async () => {
    h = await createHarness({ channels: CHANNELS, options: { tunerBudget: 8, stopTimeoutMs: 2_000 } });
    expectNothingLeft(await storm(3));
  }, 60_000);
});
