import { systemClock, type Clock, type TimerHandle } from "@retrovue/core-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, startFullServer, type FullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

/** The system clock whose timers all fire `lateMs` after they are due: a busy event loop, made exact. */
class LateClock implements Clock {
  constructor(readonly lateMs: number) {}
  now(): number {
    return systemClock.now();
  }
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return systemClock.setTimeout(callback, Math.max(0, delayMs) + this.lateMs);
  }
  clearTimeout(handle: TimerHandle): void {
    systemClock.clearTimeout(handle);
  }
}

const fatalReasons = (s: FullServer): string[] =>
  s.logLines.filter((l) => typeof l["fatalReason"] === "string").map((l) => String(l["fatalReason"]));

const switchCalls = (s: FullServer) => s.fakeAir.calls().filter((c) => c.method === "SwitchToLive");

/** The scheduled start path: its first switch is a scheduled one (1.7 s preload lead under these flags). */
const SCHEDULED = ["--session-start", "scheduled"];

describe("director component: the config's switch timing reaches every ChannelManager", () => {
  it("INV-SWITCH-ISSUANCE-DEADLINE-001: a switch 150 ms late (tolerance 50 ms) is sent with its exact target, counted, and goes live", async () => {
    const s = await startFullServer(SCHEDULED, undefined, new LateClock(150));
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("channel 1 live", () => s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.isLive === true);
    expect(fatalReasons(s)).toEqual([]);
    const late = s.logLines.find((l) => l["level"] === 40 && String(l["msg"]).startsWith("SwitchToLive is issued"));
    expect(Number(late?.["lateByMs"])).toBeGreaterThanOrEqual(150);
    const [first] = switchCalls(s);
    expect(Number(first!.request["target_boundary_time_ms"]) - Number(first!.request["issued_at_time_ms"])).toBe(Number(late?.["leadMs"]));
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/retrovue_switch_issued_late_total\{channel="1"\} 1/);
    viewer.destroy();
  });

  it("with --switch-late-tolerance-ms 250 the same switch is not counted late", async () => {
    const s = await startFullServer([...SCHEDULED, "--switch-late-tolerance-ms", "250"], undefined, new LateClock(150));
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("channel 1 live", () => s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.isLive === true);
    const issued = s.logLines.find((l) => l["msg"] === "SwitchToLive issued.");
    expect(Number(issued?.["lateByMs"])).toBeGreaterThanOrEqual(150);
    expect(s.logLines.filter((l) => String(l["msg"]).startsWith("SwitchToLive is issued"))).toEqual([]);
    viewer.destroy();
  });

  it("a switch that can no longer carry MIN_PREFEED (600 ms late, 500 ms margin) fails the boundary and sends nothing", async () => {
    const s = await startFullServer(SCHEDULED, undefined, new LateClock(600));
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("a terminal boundary", () => fatalReasons(s).length > 0);
    expect(fatalReasons(s)[0]).toMatch(/can no longer carry MIN_PREFEED: issued 6\d\d ms late/);
    expect(switchCalls(s)).toEqual([]);
    viewer.destroy();
  });

  it("INV-SESSION-START-IMMEDIATE-001: by default the first switch is the immediate one (target 0), polled until OK", async () => {
    const s = await startFullServer();
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("channel 1 live", () => s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.isLive === true);
    const calls = switchCalls(s);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.map((c) => String(c.request["target_boundary_time_ms"]))).toEqual(calls.map(() => "0"));
    expect(calls[0]!.outcome).toMatchObject({ kind: "response", response: { result_code: "RESULT_CODE_NOT_READY" } });
    expect(calls.at(-1)!.outcome).toMatchObject({ kind: "response", response: { result_code: "RESULT_CODE_OK" } });
    viewer.destroy();
  });
});
