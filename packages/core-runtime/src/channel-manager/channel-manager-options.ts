/**
 * Timing and retry settings of a {@link ChannelManager}. Every field has a default and an
 * allowed range; {@link resolveChannelManagerOptions} applies both once, at construction.
 */
export interface ChannelManagerOptions {
  /**
   * MIN_PREFEED_LEAD_MS: the engine rejects a SwitchToLive whose lead (target − issued_at)
   * is below this. @default 5000 (range 1000–30000)
   */
  readonly minPrefeedLeadMs: number;
  /**
   * How long before a boundary its LoadPreview is sent (PLANNED is entered then).
   * @default max(7000, minPrefeedLeadMs + 2000); must exceed minPrefeedLeadMs + switchIssueMarginMs + 100
   */
  readonly preloadLeadMs: number;
  /**
   * Extra margin before the prefeed lead at which SwitchToLive is issued:
   * issuance = boundary − minPrefeedLeadMs − switchIssueMarginMs. @default 500 (range 0–5000)
   */
  readonly switchIssueMarginMs: number;
  /**
   * A switch issued later than this after its issuance instant is counted as late (WARN and
   * `switchIssuedLate`), and still sent with its exact planned target as long as its lead is
   * ≥ MIN_PREFEED; only a lead below MIN_PREFEED is terminal (INV-SWITCH-ISSUANCE-DEADLINE-001).
   * @default 50 (range 0–1000)
   */
  readonly lateIssuanceToleranceMs: number;
  /** Teardown deferral limit (INV-TEARDOWN-GRACE-TIMEOUT-001). @default 10000 (range 1000–600000) */
  readonly teardownGraceMs: number;
  /** Deadline of StartChannel and each LoadPreview attempt (LoadPreview's is also capped
   * at the switch issuance instant). @default 5000 (range 100–120000) */
  readonly engineCallTimeoutMs: number;
  /** Delay before a LoadPreview retry after REJECTED_BUSY, NOT_READY or a transport error.
   * @default 250 (range 10–10000) */
  readonly loadPreviewRetryDelayMs: number;
  /**
   * How long after the target boundary a SwitchToLive answer may take before the boundary
   * is declared failed (the engine blocks until the target, so the call's deadline is
   * target − now + this). @default 5000 (range 100–120000)
   */
  readonly switchAnswerTimeoutMs: number;
  /**
   * How a session starts. `immediate` (INV-SESSION-START-IMMEDIATE-001): LoadPreview of the
   * item on air at the expected live instant, then SwitchToLive with target 0, NOT_READY
   * polled until OK within `startDeadlineMs`. `scheduled`: the first switch is a scheduled
   * one at now + preload lead (the previous path). @default "immediate"
   */
  readonly sessionStart: SessionStartMode;
  /**
   * Where in the item on air a session starts (both start paths; restarts too):
   * `on-air` — the frame on air at the expected live instant (the schedule, to the frame);
   * `item-start` — that item's first frame, played until the same boundary (the viewer sees
   * the programme from its start, its tail is cut). For engines that cannot start inside an
   * item: the real AIR writes nothing after a LoadPreview with start_frame > 0 until channel
   * time reaches the item's media time (see the core-server README). @default "on-air"
   */
  readonly startPosition: StartPosition;
  /** Immediate start: StartChannel answered → LIVE within this, else a start failure. @default 4000 (range 100–60000) */
  readonly startDeadlineMs: number;
  /** Immediate start: delay between SwitchToLive polls after NOT_READY. @default 50 (range 10–1000) */
  readonly startPollIntervalMs: number;
  /**
   * Immediate start: how long after StartChannel's answer the picture is expected live; the
   * item and frame loaded are those on air then. @default 200 (range 0–5000)
   */
  readonly startLiveLatencyMs: number;
}

/** The two session start paths (see {@link ChannelManagerOptions.sessionStart}). */
export type SessionStartMode = "immediate" | "scheduled";

/** Every {@link SessionStartMode}. */
export const SESSION_START_MODES: readonly SessionStartMode[] = Object.freeze(["immediate", "scheduled"]);

/** Where a session starts in the item on air (see {@link ChannelManagerOptions.startPosition}). */
export type StartPosition = "on-air" | "item-start";

/** Every {@link StartPosition}. */
export const START_POSITIONS: readonly StartPosition[] = Object.freeze(["on-air", "item-start"]);

/** A constructor option outside its range. */
export class ChannelManagerOptionsError extends RangeError {
  override readonly name = "ChannelManagerOptionsError";
  constructor(
    readonly option: keyof ChannelManagerOptions,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`ChannelManager option ${option}=${String(value)} is invalid: expected ${allowed}`);
  }
}

/** Default MIN_PREFEED_LEAD_MS (ms). */
export const DEFAULT_MIN_PREFEED_LEAD_MS = 5000;
/** Default teardown grace (ms), INV-TEARDOWN-GRACE-TIMEOUT-001. */
export const DEFAULT_TEARDOWN_GRACE_MS = 10_000;

/** Preload lead for a given MIN_PREFEED: max(7 s, MIN_PREFEED + 2 s). */
export function defaultPreloadLeadMs(minPrefeedLeadMs: number): number {
  return Math.max(7000, minPrefeedLeadMs + 2000);
}

function checkRange(option: keyof ChannelManagerOptions, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ChannelManagerOptionsError(option, value, `an integer in ${min}–${max}`);
  }
  return value;
}

function checkSessionStart(value: unknown): SessionStartMode {
  if (!SESSION_START_MODES.includes(value as SessionStartMode)) {
    throw new ChannelManagerOptionsError("sessionStart", value, `one of ${SESSION_START_MODES.join(", ")}`);
  }
  return value as SessionStartMode;
}

function checkStartPosition(value: unknown): StartPosition {
  if (!START_POSITIONS.includes(value as StartPosition)) {
    throw new ChannelManagerOptionsError("startPosition", value, `one of ${START_POSITIONS.join(", ")}`);
  }
  return value as StartPosition;
}

/**
 * Fills defaults and checks ranges. Throws {@link ChannelManagerOptionsError} on the first
 * bad field, so bad configuration fails at start, not at the first boundary.
 */
export function resolveChannelManagerOptions(options: Partial<ChannelManagerOptions> = {}): ChannelManagerOptions {
  const minPrefeedLeadMs = checkRange("minPrefeedLeadMs", options.minPrefeedLeadMs ?? DEFAULT_MIN_PREFEED_LEAD_MS, 1000, 30_000);
  const switchIssueMarginMs = checkRange("switchIssueMarginMs", options.switchIssueMarginMs ?? 500, 0, 5000);
  const minPreload = minPrefeedLeadMs + switchIssueMarginMs + 100;
  const preloadLeadMs = checkRange(
    "preloadLeadMs",
    options.preloadLeadMs ?? defaultPreloadLeadMs(minPrefeedLeadMs),
    minPreload,
    600_000,
  );
  return Object.freeze({
    minPrefeedLeadMs,
    preloadLeadMs,
    switchIssueMarginMs,
    lateIssuanceToleranceMs: checkRange("lateIssuanceToleranceMs", options.lateIssuanceToleranceMs ?? 50, 0, 1000),
    teardownGraceMs: checkRange("teardownGraceMs", options.teardownGraceMs ?? DEFAULT_TEARDOWN_GRACE_MS, 1000, 600_000),
    engineCallTimeoutMs: checkRange("engineCallTimeoutMs", options.engineCallTimeoutMs ?? 5000, 100, 120_000),
    loadPreviewRetryDelayMs: checkRange("loadPreviewRetryDelayMs", options.loadPreviewRetryDelayMs ?? 250, 10, 10_000),
    switchAnswerTimeoutMs: checkRange("switchAnswerTimeoutMs", options.switchAnswerTimeoutMs ?? 5000, 100, 120_000),
    sessionStart: checkSessionStart(options.sessionStart ?? "immediate"),
    startPosition: checkStartPosition(options.startPosition ?? "on-air"),
    startDeadlineMs: checkRange("startDeadlineMs", options.startDeadlineMs ?? 4000, 100, 60_000),
    startPollIntervalMs: checkRange("startPollIntervalMs", options.startPollIntervalMs ?? 50, 10, 1000),
    startLiveLatencyMs: checkRange("startLiveLatencyMs", options.startLiveLatencyMs ?? 200, 0, 5000),
  });
}
