import type { ProgramFormat } from "./program-format.js";
import type { Rational } from "./rational.js";

/**
 * The engine's typed answer code for preview/switch calls, independent of any wire
 * types. `unspecified` only appears in a failure that an older engine reported
 * with `success=false` and no code.
 */
export type EngineResultCode =
  | "ok"
  | "not_ready"
  | "rejected_busy"
  | "protocol_violation"
  | "failed"
  | "unspecified";

/** Why a call did not get an answer body (transport- or status-level failure). */
export type EngineCallErrorKind =
  | "unavailable"
  | "deadline_exceeded"
  | "already_exists"
  | "not_found"
  | "internal"
  | "aborted"
  | "unknown";

/**
 * How an engine call failed:
 * - `rejected`: the engine answered, and said no (`success=false` or a non-OK result code);
 * - `error`: no answer body (gRPC error status, deadline, engine unreachable, aborted).
 */
export type EngineFailure =
  | { readonly kind: "rejected"; readonly code: EngineResultCode; readonly message: string; readonly violationReason?: string }
  | { readonly kind: "error"; readonly error: EngineCallErrorKind; readonly message: string };

/** Result of an engine call: a value, or a typed failure. Engine adapters never throw. */
export type EngineOutcome<T = void> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: EngineFailure };

/** Per-call controls. */
export interface EngineCallOptions {
  /** Aborting ends the call with an `aborted` failure. */
  readonly signal?: AbortSignal;
  /** Overrides the adapter's default deadline for this call, in ms. */
  readonly timeoutMs?: number;
}

export interface StartChannelParams {
  readonly channelId: number;
  /** Media path of the first asset to play. */
  readonly planHandle: string;
  readonly programFormat: ProgramFormat;
}

export interface LoadPreviewParams {
  readonly channelId: number;
  readonly assetPath: string;
  /** First frame to play, counted from the asset's start. */
  readonly startFrame: number;
  /** How many frames to play from `startFrame`. */
  readonly frameCount: number;
  readonly fps: Rational;
}

/**
 * `targetBoundaryTimeMs` of the immediate switch (session start only,
 * INV-SESSION-START-IMMEDIATE-001): switch as soon as the preview is ready. The engine first
 * answers NOT_READY (its own outcome, `rejected` with code `not_ready`), then OK on a later call.
 */
export const IMMEDIATE_SWITCH_TARGET_MS = 0;

export interface SwitchToLiveParams {
  readonly channelId: number;
  /** Epoch ms at which the engine must switch: the planned boundary, exactly; or {@link IMMEDIATE_SWITCH_TARGET_MS}. */
  readonly targetBoundaryTimeMs: number;
  /** Epoch ms at which Core issued the call (lead = target - issuedAt). */
  readonly issuedAtTimeMs: number;
}

export interface SwitchToLiveResult {
  /** Epoch ms at which the engine reports the switch completed (for an immediate switch the real engine reports its steady clock: do not use it). */
  readonly completionTimeMs: number;
  readonly ptsContiguous: boolean;
}

export interface AttachStreamParams {
  readonly channelId: number;
  /** Unix socket path Core listens on; the engine connects to it and writes MPEG-TS. */
  readonly socketPath: string;
  readonly replaceExisting: boolean;
}

export interface DetachStreamParams {
  readonly channelId: number;
  /** Stop writing at once instead of at the next safe point. */
  readonly force: boolean;
}

/**
 * Why the director gives a channel's engine back: a normal teardown, or a teardown
 * whose StopChannel did not complete (it failed or hung past its deadline), in which
 * case an adapter that owns the engine process must end it. `engine_hung`: the engine
 * stopped writing its stream (output watchdog) and was not asked anything more; an
 * adapter that owns the process must kill it at once (SIGKILL: a hung process may not
 * act on SIGTERM).
 */
export type EngineReleaseReason = "stopped" | "stop_failed" | "stop_timed_out" | "start_failed" | "engine_hung";

/**
 * The port through which core-runtime drives a playout engine (AIR). The server adapts
 * the gRPC AirClient to it; tests use in-process fakes. Every method resolves to an
 * {@link EngineOutcome} and never rejects.
 *
 * Lifecycle per channel session, as the ProgramDirector drives it:
 * `acquireChannel` → `attachStream` → `startChannel` → (`loadPreview` → `switchToLive`)* →
 * `detachStream` → `stopChannel` → `releaseChannel` (always, even after failures).
 */
export interface PlayoutEngine {
  /**
   * Makes an engine ready for `channelId`: with one engine per channel this spawns it and
   * waits until it answers; with a shared engine it is a cheap no-op.
   */
  acquireChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome>;
  startChannel(params: StartChannelParams, options?: EngineCallOptions): Promise<EngineOutcome>;
  loadPreview(params: LoadPreviewParams, options?: EngineCallOptions): Promise<EngineOutcome>;
  /** Blocks on the engine side until the target time; the adapter's deadline covers that wait. */
  switchToLive(params: SwitchToLiveParams, options?: EngineCallOptions): Promise<EngineOutcome<SwitchToLiveResult>>;
  attachStream(params: AttachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome>;
  detachStream(params: DetachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome>;
  stopChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome>;
  /**
   * Gives the channel's engine back at the end of a session. Always called once per
   * successful `acquireChannel`; must not hang (an adapter that spawned a process ends it,
   * SIGTERM then SIGKILL, within its own bound).
   */
  releaseChannel(channelId: number, reason: EngineReleaseReason): Promise<void>;
}
