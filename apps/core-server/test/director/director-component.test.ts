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

/** How late every timer of {@link LateClock} fires, ms: a busy event loop, made exact. */
const TIMERS_LATE_MS = 150;

/** The system clock whose timers all fire {@link TIMERS_LATE_MS} after they are due. */
class LateClock implements Clock {
  now(): number {
    return systemClock.now();
  }
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return systemClock.setTimeout(callback, Math.max(0, delayMs) + TIMERS_LATE_MS);
  }
  clearTimeout(handle: TimerHandle): void {
    systemClock.clearTimeout(handle);
  }
}

const fatalReasons = (s: FullServer): string[] =>
  s.logLines.filter((l) => typeof l["fatalReason"] === "string").map((l) => String(l["fatalReason"]));

describe("director component: the config's switch timing reaches every ChannelManager", () => {
  it("INV-SWITCH-ISSUANCE-DEADLINE-001: with the default 50 ms tolerance a switch due 150 ms ago fails the boundary", async () => {
    const s = await startFullServer([], undefined, new LateClock());
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("a terminal boundary", () => fatalReasons(s).length > 0);
    expect(fatalReasons(s)[0]).toMatch(/issued 1\d\d ms late \(tolerance 50 ms\)/);
    expect(s.fakeAir.calls().filter((c) => c.method === "SwitchToLive")).toEqual([]);
    viewer.destroy();
  });

  it("with --switch-late-tolerance-ms 250 the same late switch goes out and the channel goes live", async () => {
    const s = await startFullServer(["--switch-late-tolerance-ms", "250"], undefined, new LateClock());
    const viewer = await openStream(`${s.url}/channels/1/stream.ts`);
    await eventually("channel 1 live", () => s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.isLive === true);
    expect(fatalReasons(s)).toEqual([]);
    const issued = s.logLines.find((l) => l["msg"] === "SwitchToLive issued");
    expect(Number(issued?.["lateByMs"])).toBeGreaterThanOrEqual(TIMERS_LATE_MS);
    viewer.destroy();
  });
});
