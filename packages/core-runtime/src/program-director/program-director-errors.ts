import type { EngineFailure } from "../ports/playout-engine.js";

/**
 * Failures a tune-in can end with (besides `UnknownChannelError`). Each carries a
 * closed `code`; the server maps them to HTTP (503 for all of these).
 */
export type TuneInErrorCode = "no_tuner_available" | "channel_start_failed" | "shutting_down" | "tune_in_aborted";

/** Every tuner is in use: the budget of concurrent channel sessions is spent. */
export class NoTunerAvailableError extends Error {
  override readonly name = "NoTunerAvailableError";
  readonly code = "no_tuner_available" as const;
  constructor(
    readonly channelNumber: number,
    readonly tunerBudget: number,
  ) {
    super(`[no_tuner_available] no tuner available for channel ${channelNumber}: all ${tunerBudget} in use`);
  }
}

/** Which step of a channel start failed. */
export type ChannelStartStage = "listen" | "acquire" | "attach" | "start" | "stream";

/**
 * The channel could not be started: the engine refused, was unreachable or timed out,
 * or the stream socket could not be opened. `failure` is the engine's typed answer when
 * there was one; `cause` is the underlying error otherwise.
 */
export class ChannelStartError extends Error {
  override readonly name = "ChannelStartError";
  readonly code = "channel_start_failed" as const;
  constructor(
    readonly channelNumber: number,
    readonly stage: ChannelStartStage,
    readonly failure: EngineFailure | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[channel_start_failed] channel ${channelNumber} failed at ${stage}: ${message}`, options);
  }
}

/** The director is shutting down and takes no new viewers. */
export class ShuttingDownError extends Error {
  override readonly name = "ShuttingDownError";
  readonly code = "shutting_down" as const;
  constructor(readonly channelNumber: number) {
    super(`[shutting_down] not accepting viewers (channel ${channelNumber})`);
  }
}

/** Why a tune-in ended before the viewer was admitted. */
export type TuneInAbortReason = "viewer_left" | "channel_stopped";

/**
 * The tune-in ended before the viewer got the stream: the viewer left (its sink closed,
 * or `leave` was called) or the channel was stopped while it was starting.
 */
export class TuneInAbortedError extends Error {
  override readonly name = "TuneInAbortedError";
  readonly code = "tune_in_aborted" as const;
  constructor(
    readonly channelNumber: number,
    readonly reason: TuneInAbortReason,
  ) {
    super(`[tune_in_aborted] tune-in to channel ${channelNumber} aborted: ${reason}`);
  }
}
