import {
  ManualClock,
  type BoundaryState,
  type ChannelManagerEvent,
  type ChannelManagerOptions,
  type ScheduleSource,
} from "../../src/index.js";
import { CaptureLogger } from "./capture-logger.js";
import { FakeEngine, type FakeEngineOptions } from "./fake-engine.js";
import { FixedSchedule } from "./fixed-schedule.js";
import { RecordingMetrics } from "./recording-metrics.js";
import { TrackedClock } from "./tracked-clock.js";
import { ProbeManager } from "./probe-manager.js";

/** Start instant used by most tests: 1,000,000 ms after the schedule anchor (0). */
export const T0 = 1_000_000;

/** Lets pending promise callbacks (engine answers) run; no real-time wait. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface HarnessOptions {
  readonly startMs?: number;
  readonly schedule?: ScheduleSource;
  readonly engine?: Partial<FakeEngineOptions>;
  readonly options?: Partial<ChannelManagerOptions>;
  readonly channelNumber?: number;
}

/** A ChannelManager on a manual clock with a fake engine, a capturing logger and recording metrics. */
export function createHarness(options: HarnessOptions = {}) {
  const clock = new ManualClock(options.startMs ?? T0);
  const tracked = new TrackedClock(clock);
  const engine = new FakeEngine(clock, options.engine);
  const schedule = options.schedule ?? new FixedSchedule(options.channelNumber ?? 1);
  const logger = new CaptureLogger();
  const metrics = new RecordingMetrics();
  // The boundary-rule tests pin scheduled switches from a scheduled start (first switch at
  // start + 7 s); the immediate start has its own tests and passes `sessionStart: "immediate"`.
  const manager = new ProbeManager(
    { channelNumber: options.channelNumber ?? 1, engine, schedule, clock: tracked, logger, metrics },
    { sessionStart: "scheduled", ...options.options },
  );
  const events: ChannelManagerEvent[] = [];
  manager.subscribe((event) => events.push(event));

  /** Advances time by `ms`, firing timers in order and letting engine answers land after each. */
  async function advance(ms: number): Promise<void> {
    await advanceTo(clock.now() + ms);
  }

  async function advanceTo(atMs: number): Promise<void> {
    await settle();
    for (;;) {
      const next = clock.nextDueAtMs;
      if (next === undefined || next > atMs) break;
      clock.advanceTo(next);
      await settle();
    }
    clock.advanceTo(atMs);
    await settle();
  }

  /**
   * Advances timer by timer until the manager enters `state` (a state event after this call),
   * or throws after `maxMs`. Returns the instant at which the state was entered.
   */
  async function runUntil(state: BoundaryState, maxMs = 120_000): Promise<number> {
    const limit = clock.now() + maxMs;
    const from = events.length;
    const entered = (): number | undefined => {
      for (let i = from; i < events.length; i++) {
        const e = events[i]!;
        if (e.type === "state" && e.to === state) return e.atMs;
      }
      return undefined;
    };
    await settle();
    for (;;) {
      const at = entered();
      if (at !== undefined) return at;
      const next = clock.nextDueAtMs;
      if (next === undefined || next > limit) throw new Error(`never reached ${state}; stuck in ${manager.boundaryState}`);
      clock.advanceTo(next);
      await settle();
    }
  }

  /** start() and wait for its answer. */
  async function start(): Promise<void> {
    const outcome = await manager.start();
    if (!outcome.ok) throw new Error(`start failed: ${JSON.stringify(outcome.failure)}`);
    await settle();
  }

  /** start() and run to the first LIVE. */
  async function startLive(): Promise<number> {
    await start();
    return runUntil("LIVE");
  }

  function states(): BoundaryState[] {
    return events.flatMap((e) => (e.type === "state" ? [e.to] : []));
  }

  /**
   * Brings the manager into `state` and holds it there: PLANNED (LoadPreview hangs),
   * PRELOAD_ISSUED (teardown requested in PLANNED, then LoadPreview accepted — so a teardown
   * is pending), SWITCH_SCHEDULED, SWITCH_ISSUED (SwitchToLive hangs), LIVE, FAILED_TERMINAL
   * (SwitchToLive rejected), NONE (fresh, not started).
   */
  async function driveTo(state: BoundaryState): Promise<void> {
    switch (state) {
      case "NONE":
        return;
      case "PLANNED":
        engine.script("loadPreview", { kind: "hang" });
        await start();
        break;
      case "PRELOAD_ISSUED":
        engine.script("loadPreview", { kind: "ok", delayMs: 100 });
        await start();
        manager.requestTeardown("viewer_inactive");
        await advance(100);
        break;
      case "SWITCH_SCHEDULED":
        await start();
        break;
      case "SWITCH_ISSUED":
        engine.script("switchToLive", { kind: "hang" });
        await start();
        await runUntil("SWITCH_ISSUED");
        break;
      case "LIVE":
        await startLive();
        break;
      case "FAILED_TERMINAL":
        engine.script("switchToLive", { kind: "rejected", code: "protocol_violation" });
        await start();
        await runUntil("FAILED_TERMINAL");
        break;
    }
    if (manager.boundaryState !== state) throw new Error(`driveTo(${state}) ended in ${manager.boundaryState}`);
  }

  /** Engine calls made so far (all methods). */
  function engineCalls(): number {
    return engine.calls.length;
  }

  return { clock, tracked, engine, schedule, logger, metrics, manager, events, advance, advanceTo, runUntil, start, startLive, states, settle, driveTo, engineCalls };
}

export type Harness = ReturnType<typeof createHarness>;
