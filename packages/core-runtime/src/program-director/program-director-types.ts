import type { BoundaryState } from "../boundary/boundary-state.js";
import type { Clock } from "../ports/clock.js";
import type { LifecycleMetrics } from "../ports/lifecycle-metrics.js";
import type { Logger } from "../ports/logger.js";
import type { PlayoutEngine } from "../ports/playout-engine.js";
import type { ScheduleSource } from "../ports/schedule-source.js";
import type { ChannelStartError } from "./program-director-errors.js";
import type { ChannelStreamHub, HubViewerSink, StreamHubOptions, StreamHubStats } from "../stream-hub/stream-hub-types.js";
import type { ChannelManagerOptions } from "../channel-manager/channel-manager-options.js";
import type { ChannelManager, ChannelManagerSnapshot } from "../channel-manager/channel-manager.js";

/** The ChannelManager surface the director drives (contract C); tests may inject their own. */
export type DirectedChannelManager = Pick<
  ChannelManager,
  | "start"
  | "boundaryState"
  | "isLive"
  | "provisional"
  | "teardownPending"
  | "teardownDeadlineMs"
  | "teardownReason"
  | "fatalReason"
  | "requestTeardown"
  | "cancelPendingTeardown"
  | "subscribe"
  | "snapshot"
  | "dispose"
>;

/** What the director passes to a hub factory. */
export interface HubFactoryParams {
  readonly channelNumber: number;
  /** `<runtimeDir>/ch_<n>.sock`. */
  readonly socketPath: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: Partial<StreamHubOptions>;
}

/** What the director passes to a manager factory. */
export interface ManagerFactoryParams {
  readonly channelNumber: number;
  readonly engine: PlayoutEngine;
  readonly schedule: ScheduleSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: LifecycleMetrics;
  readonly options: Partial<ChannelManagerOptions>;
}

/** Collaborators of a ProgramDirector. */
export interface ProgramDirectorDeps {
  readonly engine: PlayoutEngine;
  readonly schedule: ScheduleSource;
  readonly clock: Clock;
  /** Directory holding the channels' stream sockets (created 0700 if missing). */
  readonly runtimeDir: string;
  readonly logger?: Logger;
  /** Passed to every ChannelManager (teardown metrics, lead times). */
  readonly metrics?: LifecycleMetrics;
  /** Builds a channel's hub; default: a real `StreamHub`. */
  readonly createHub?: (params: HubFactoryParams) => ChannelStreamHub;
  /** Builds a channel's manager; default: a real `ChannelManager`. */
  readonly createManager?: (params: ManagerFactoryParams) => DirectedChannelManager;
  readonly hubOptions?: Partial<StreamHubOptions>;
  readonly channelManagerOptions?: Partial<ChannelManagerOptions>;
}

/** Options of a ProgramDirector; `resolveProgramDirectorOptions` fills defaults and checks ranges. */
export interface ProgramDirectorOptions {
  /** Most concurrent channel sessions (a stopping session still counts). Default 4; >= 1. */
  readonly tunerBudget: number;
  /** Deadline of `acquireChannel` (may spawn an engine), ms. Default 15000; 100–120000. */
  readonly acquireTimeoutMs: number;
  /** Deadline of AttachStream and DetachStream, ms. Default 5000; 100–120000. */
  readonly engineCallTimeoutMs: number;
  /** Bound on the manager's start (StartChannel), ms. Default 10000; 100–120000. */
  readonly startTimeoutMs: number;
  /** Deadline of StopChannel; past it the engine is released as `stop_timed_out`. Default 5000; 100–120000. */
  readonly stopTimeoutMs: number;
  /** How long teardown waits for `releaseChannel` before moving on (logged), ms. Default 10000; 100–120000. */
  readonly releaseTimeoutMs: number;
  /** `shutdown()` waits this long for negotiated teardowns, then forces the rest, ms. Default 10000; 0–600000. */
  readonly shutdownGraceMs: number;
  /**
   * Delays before each restart try after a terminal failure, ms; its length is the
   * most tries. Default [1000, 2000, 4000, 8000, 16000]; the count resets after a LIVE.
   */
  readonly restartBackoffMs: readonly number[];
  /**
   * Output watchdog: a running session that has been LIVE and got no byte from its
   * engine for this long (three times this before the run's first byte) counts as an engine failure — the engine is ended (released as
   * `engine_hung`) and the session restarted with the backoff above, viewers kept. Well
   * above the engine's normal stalls (~1 s at boundaries). Default 4000 ms; 0 turns it
   * off; else 500–600000.
   */
  readonly outputWatchdogMs: number;
}

/** Defaults of {@link ProgramDirectorOptions}. */
export const DEFAULT_PROGRAM_DIRECTOR_OPTIONS: ProgramDirectorOptions = Object.freeze({
  tunerBudget: 4,
  acquireTimeoutMs: 15_000,
  engineCallTimeoutMs: 5_000,
  startTimeoutMs: 10_000,
  stopTimeoutMs: 5_000,
  releaseTimeoutMs: 10_000,
  shutdownGraceMs: 10_000,
  restartBackoffMs: Object.freeze([1_000, 2_000, 4_000, 8_000, 16_000]),
  outputWatchdogMs: 4_000,
});

/** Fills defaults and checks ranges once; throws RangeError naming the bad option. */
export function resolveProgramDirectorOptions(options: Partial<ProgramDirectorOptions> = {}): ProgramDirectorOptions {
  const resolved = { ...DEFAULT_PROGRAM_DIRECTOR_OPTIONS, ...options };
  const check = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`ProgramDirectorOptions.${name} must be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  check("tunerBudget", resolved.tunerBudget, 1, 10_000);
  for (const name of ["acquireTimeoutMs", "engineCallTimeoutMs", "startTimeoutMs", "stopTimeoutMs", "releaseTimeoutMs"] as const) {
    check(name, resolved[name], 100, 120_000);
  }
  check("shutdownGraceMs", resolved.shutdownGraceMs, 0, 600_000);
  if (resolved.outputWatchdogMs !== 0) check("outputWatchdogMs", resolved.outputWatchdogMs, 500, 600_000);
  if (resolved.restartBackoffMs.length > 100) throw new RangeError("ProgramDirectorOptions.restartBackoffMs: at most 100 tries");
  resolved.restartBackoffMs.forEach((ms, i) => check(`restartBackoffMs[${i}]`, ms, 0, 3_600_000));
  return Object.freeze({ ...resolved, restartBackoffMs: Object.freeze([...resolved.restartBackoffMs]) });
}

/** A viewer as the server hands it over: where its bytes go, and a label for logs. */
export interface TuneInViewer {
  /**
   * The viewer's response. No byte is written to it before `tuneIn` has resolved and
   * the awaiting code has run (bytes only go out from I/O callbacks), so the server
   * can still send headers or a 503 after the promise settles.
   */
  readonly sink: HubViewerSink;
  /** Free text for logs (session id, remote address). */
  readonly label?: string;
}

/** A successful tune-in. */
export interface TunedViewer {
  /** Pass to `leave()`; unique within the director. */
  readonly viewerId: string;
  readonly channelNumber: number;
}

/**
 * Life of a channel session: `starting` (acquire/attach/start in flight), `running`,
 * `restarting` (after a terminal failure: engine stopped, backoff timer armed, viewers
 * kept), `stopping` (final teardown executing).
 */
export type SessionPhase = "starting" | "running" | "restarting" | "stopping";

/** How the StopChannel step of a teardown ended. `not_started` when StartChannel was never sent. */
export type StopOutcome = "stopped" | "stop_failed" | "stop_timed_out" | "not_started";

/** Why a viewer left a session. */
export type ViewerLeaveCause =
  | "left" // leave() was called
  | "closed" // its sink closed
  | "error" // its sink failed
  | "evicted" // it fell behind by more than the hub's bound
  | "stream_ended" // the engine's stream closed unexpectedly
  | "restart_exhausted" // the engine kept failing: every restart try was spent
  | "teardown" // the session was torn down
  | "start_failed"; // the channel could not be started

/** Events for metrics and logs. */
export type ProgramDirectorEvent =
  | { readonly type: "session-starting"; readonly channel: number; readonly restartAttempt: number }
  | { readonly type: "session-started"; readonly channel: number }
  | { readonly type: "session-live"; readonly channel: number }
  | { readonly type: "start-failed"; readonly channel: number; readonly error: ChannelStartError }
  | { readonly type: "viewer-joined"; readonly channel: number; readonly viewerId: string; readonly viewers: number }
  | {
      readonly type: "viewer-left";
      readonly channel: number;
      readonly viewerId: string;
      readonly cause: ViewerLeaveCause;
      readonly viewers: number;
      /** Bytes it had queued, for an eviction. */
      readonly queuedBytes?: number;
    }
  | { readonly type: "teardown-requested"; readonly channel: number; readonly reason: string; readonly deferred: boolean }
  | { readonly type: "teardown-cancelled"; readonly channel: number; readonly reason: string }
  | {
      readonly type: "teardown-completed";
      readonly channel: number;
      readonly reason: string;
      readonly stop: StopOutcome;
      readonly forced: boolean;
      readonly durationMs: number;
    }
  | { readonly type: "restart-scheduled"; readonly channel: number; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly type: "restart-exhausted"; readonly channel: number; readonly attempts: number }
  | {
      /** Running and LIVE, the engine wrote nothing for `silentMs` (>= outputWatchdogMs): it is ended and restarted. */
      readonly type: "output-watchdog-tripped";
      readonly channel: number;
      readonly silentMs: number;
    }
  | {
      /** The engine failed under viewers (stream lost, output watchdog, terminal failure); a restart follows. */
      readonly type: "engine-failed";
      readonly channel: number;
      readonly reason: EngineFailureReason;
      readonly viewers: number;
    }
  | { readonly type: "engine-disconnected"; readonly channel: number; readonly expected: boolean };

/** Why an engine run was given up under viewers. */
export type EngineFailureReason = "stream_lost" | "output_watchdog" | "terminal";

/** A channel session as the admin API shows it (plain data). */
export interface ChannelSessionSnapshot {
  readonly channelNumber: number;
  readonly phase: SessionPhase;
  readonly viewers: number;
  readonly socketPath: string;
  /** Epoch ms the session was created. */
  readonly createdAtMs: number;
  /** Epoch ms of the most recent LIVE, if any. */
  readonly liveAtMs?: number;
  readonly isLive: boolean;
  /** True until the session's first LIVE. */
  readonly provisional: boolean;
  readonly boundaryState?: BoundaryState;
  readonly teardownPending: boolean;
  readonly teardownDeadlineMs?: number;
  readonly teardownReason?: string;
  readonly fatalReason?: string;
  /** Restart tries since the last LIVE. */
  readonly restartAttempts: number;
  readonly nextRestartAtMs?: number;
  /** Restarts of this session so far (each after an engine failure). */
  readonly restarts: number;
  /** Why the engine last failed under viewers, and when (epoch ms). */
  readonly lastFailureReason?: EngineFailureReason;
  readonly lastFailureAtMs?: number;
  /** Times the output watchdog found the engine silent. */
  readonly outputWatchdogTrips: number;
  readonly hub: StreamHubStats;
  readonly manager?: ChannelManagerSnapshot;
}
