import type { AirClientOptions } from "./air-client-options.js";
import type {
  AirApiVersion,
  AirAttachStreamAnswer,
  AirAttachStreamRequest,
  AirCallOptions,
  AirDetachStreamAnswer,
  AirDetachStreamRequest,
  AirLoadPreviewAnswer,
  AirLoadPreviewRequest,
  AirStartChannelRequest,
  AirStatusAnswer,
  AirStopChannelRequest,
  AirSwitchToLiveAnswer,
  AirSwitchToLiveRequest,
  AirUpdatePlanRequest,
  AirVersion,
} from "./air-messages.js";
import type { AirCallResult, AirResult } from "./air-result.js";

/** Options of {@link AirClient.waitForReady}; unset fields come from the client's options. */
export interface WaitForReadyOptions {
  /** Give up after this long in total, in ms (> 0). @default options.waitForReadyTotalMs */
  readonly totalTimeoutMs?: number;
  /** Pause between attempts, in ms (> 0). @default options.waitForReadyIntervalMs */
  readonly intervalMs?: number;
  /** Aborting ends the wait with a `canceled` error. */
  readonly signal?: AbortSignal;
}

/**
 * A typed client for one AIR engine's `PlayoutControl` service over gRPC (HTTP/2).
 *
 * No method throws or rejects: each resolves to a result value. Every call carries a
 * deadline (see {@link AirClientOptions}). Calls made after `close()`, or in flight when
 * it runs, end with a `canceled` error.
 */
export interface AirClient extends AsyncDisposable {
  /** The engine address this client talks to ("127.0.0.1:PORT"). */
  readonly address: string;
  /** The resolved options. */
  readonly options: AirClientOptions;
  /** True once `close()` was called. */
  readonly closed: boolean;

  /** StartChannel. Engine failures are gRPC statuses (ALREADY_EXISTS, INTERNAL, …) → `kind: "error"`. */
  startChannel(request: AirStartChannelRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>>;
  /** UpdatePlan: swaps the channel's plan. Failures as for startChannel. */
  updatePlan(request: AirUpdatePlanRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>>;
  /** StopChannel. May hang on a real engine: the deadline bounds it (`deadline_exceeded`). */
  stopChannel(request: AirStopChannelRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>>;
  /** GetVersion: the engine's API version string. */
  getVersion(options?: AirCallOptions): Promise<AirCallResult<AirVersion>>;
  /** LoadPreview. Rejections (result codes, `success=false`) → `kind: "rejected"`. */
  loadPreview(request: AirLoadPreviewRequest, options?: AirCallOptions): Promise<AirResult<AirLoadPreviewAnswer>>;
  /**
   * SwitchToLive. The engine answers at the target time, so the deadline is
   * `max(timeout, target − now + switchDeadlineMarginMs)`.
   */
  switchToLive(request: AirSwitchToLiveRequest, options?: AirCallOptions): Promise<AirResult<AirSwitchToLiveAnswer>>;
  /** AttachStream: tells the engine where to write its MPEG-TS output. */
  attachStream(request: AirAttachStreamRequest, options?: AirCallOptions): Promise<AirResult<AirAttachStreamAnswer>>;
  /** DetachStream: stops the writing (idempotent on the engine). */
  detachStream(request: AirDetachStreamRequest, options?: AirCallOptions): Promise<AirResult<AirDetachStreamAnswer>>;

  /**
   * Polls GetVersion until the engine answers, pausing `intervalMs` between attempts and
   * retrying only on `unavailable` and `deadline_exceeded` (READY_RETRY_CODES). Each attempt's deadline is cut to the time
   * left. Fails with `deadline_exceeded` (cause: the last attempt's error) when
   * `totalTimeoutMs` runs out, with the attempt's error for any other code, and with
   * `canceled` on abort or close.
   */
  waitForReady(options?: WaitForReadyOptions): Promise<AirCallResult<AirVersion>>;
  /** GetVersion, then checks the major version is 1: else `failed_precondition`. */
  checkApiVersion(options?: AirCallOptions): Promise<AirCallResult<AirApiVersion>>;
  /**
   * Ends in-flight calls (`canceled`), releases the HTTP/2 session, and resolves once they
   * have settled. Idempotent; `[Symbol.asyncDispose]` is the same.
   */
  close(): Promise<void>;
}
