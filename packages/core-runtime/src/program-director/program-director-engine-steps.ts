import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { EngineFailure, EngineReleaseReason, PlayoutEngine } from "../ports/playout-engine.js";
import { boundedWait, callEngine } from "./program-director-deadline.js";
import type { ChannelStartStage } from "./program-director-errors.js";
import type { DirectedChannelManager, ProgramDirectorOptions, StopOutcome } from "./program-director-types.js";
import type { ChannelStreamHub } from "../stream-hub/stream-hub-types.js";

/** What one engine run reached, so teardown undoes exactly that. @internal */
export interface EngineRun {
  acquired: boolean;
  attachSent: boolean;
  startSent: boolean;
  /** The start sequence completed: release as `stopped`, else as `start_failed`. */
  started: boolean;
}

/** A run that reached nothing yet. @internal */
export const freshEngineRun = (): EngineRun => ({ acquired: false, attachSent: false, startSent: false, started: false });

/** Why a start sequence failed. @internal */
export interface StartFailure {
  readonly stage: ChannelStartStage;
  readonly failure?: EngineFailure;
  readonly message: string;
  readonly cause?: unknown;
}

/** The collaborators the step sequences need. @internal */
export interface EngineSteps {
  readonly channelNumber: number;
  readonly engine: PlayoutEngine;
  readonly clock: Clock;
  readonly options: ProgramDirectorOptions;
  readonly hub: ChannelStreamHub;
  readonly log: Logger;
}

/** Hooks of a start sequence. @internal */
export interface StartHooks {
  /** Open the hub's socket first (only for a session's first run). */
  readonly listen: boolean;
  /** Creates the manager and subscribes to it. */
  readonly createManager: () => DirectedChannelManager;
  /** True when the engine's stream closed during the start: reported as stage `stream`. */
  readonly streamLost: () => boolean;
}

/**
 * socket → acquireChannel → AttachStream → manager start (StartChannel). Every step has a
 * deadline on the clock and honours `signal`; `run` records what was reached. Returns
 * undefined on success.
 *
 * @internal
 */
export async function startEngineRun(steps: EngineSteps, run: EngineRun, signal: AbortSignal, hooks: StartHooks): Promise<StartFailure | undefined> {
  const { engine, clock, options, hub } = steps;
  const channelId = steps.channelNumber;
  const engineFailure = (stage: ChannelStartStage, failure: EngineFailure): StartFailure =>
    hooks.streamLost() ? { stage: "stream", message: "engine stream closed during start" } : { stage, failure, message: failure.message };
  const stepFailure = (stage: ChannelStartStage, kind: "timeout" | "aborted" | "error", cause: unknown): StartFailure => {
    if (kind === "aborted") return engineFailure(stage, { kind: "error", error: "aborted", message: "aborted" });
    if (kind === "timeout") return { stage, failure: { kind: "error", error: "deadline_exceeded", message: "timed out" }, message: "timed out" };
    return { stage, message: cause instanceof Error ? cause.message : String(cause), cause };
  };
  if (hooks.listen) {
    // Local I/O: not put under a clock deadline, but abortable (shutdown, stop).
    const listened = await boundedWait(clock, undefined, hub.listen(), signal);
    if (listened.kind !== "done") return stepFailure("listen", listened.kind, listened.kind === "error" ? listened.error : undefined);
  }
  const acquired = await callEngine(clock, options.acquireTimeoutMs, signal, (o) => engine.acquireChannel(channelId, o));
  // A timed-out or aborted acquire may still have spawned an engine: release it too.
  run.acquired = acquired.ok || (acquired.failure.kind === "error" && ["deadline_exceeded", "aborted"].includes(acquired.failure.error));
  if (!acquired.ok) return engineFailure("acquire", acquired.failure);
  run.attachSent = true;
  const attached = await callEngine(clock, options.engineCallTimeoutMs, signal, (o) =>
    engine.attachStream({ channelId, socketPath: hub.socketPath, replaceExisting: true }, o),
  );
  if (!attached.ok) return engineFailure("attach", attached.failure);
  const manager = hooks.createManager();
  run.startSent = true;
  const started = await boundedWait(clock, options.startTimeoutMs, manager.start(), signal);
  if (started.kind === "done") return started.value.ok ? undefined : engineFailure("start", started.value.failure);
  return stepFailure("start", started.kind, started.kind === "error" ? started.error : undefined);
}

/**
 * DetachStream → StopChannel (bounded by stopTimeoutMs) → releaseChannel; for a `hung`
 * engine only releaseChannel(`engine_hung`). A StopChannel
 * that fails or hangs is reported through `releaseChannel(reason)` so an adapter that
 * spawned the engine ends it. Undoes only what `run` reached; each step runs even if an
 * earlier one failed.
 *
 * @internal
 */
export async function stopEngineRun(steps: EngineSteps, run: EngineRun, force: boolean, hung = false): Promise<StopOutcome> {
  const { engine, clock, options, hub, log } = steps;
  const channelId = steps.channelNumber;
  hub.expectEngineClose();
  if (hung) {
    // A hung engine answers nothing: no DetachStream/StopChannel deadlines on the path, just end it.
    if (run.acquired) {
      const released = await boundedWait(clock, options.releaseTimeoutMs, engine.releaseChannel(channelId, "engine_hung"));
      if (released.kind !== "done") log.error({ reason: "engine_hung", result: released.kind }, "The hung engine was not released in time.");
    }
    return "stop_failed";
  }
  if (run.attachSent) {
    const detached = await callEngine(clock, options.engineCallTimeoutMs, undefined, (o) => engine.detachStream({ channelId, force }, o));
    if (!detached.ok) log.warn({ failure: detached.failure }, "DetachStream failed; the teardown goes on.");
  }
  let outcome: StopOutcome = run.startSent ? "stopped" : "not_started";
  if (run.startSent) {
    const stopped = await callEngine(clock, options.stopTimeoutMs, undefined, (o) => engine.stopChannel(channelId, o));
    if (!stopped.ok) {
      const timedOut = stopped.failure.kind === "error" && stopped.failure.error === "deadline_exceeded";
      outcome = timedOut ? "stop_timed_out" : "stop_failed";
      // Routine after an engine died or after a switch on the real engine: the release ends it.
      log.warn({ failure: stopped.failure, stopTimeoutMs: options.stopTimeoutMs }, "StopChannel did not complete, so the engine is released as failed.");
    }
  }
  if (run.acquired) {
    const reason: EngineReleaseReason =
      outcome === "stop_failed" || outcome === "stop_timed_out" ? outcome : run.started ? "stopped" : "start_failed";
    const released = await boundedWait(clock, options.releaseTimeoutMs, engine.releaseChannel(channelId, reason));
    if (released.kind !== "done") log.error({ reason, result: released.kind }, "The engine was not released in time; its process may still be running.");
  }
  return outcome;
}
