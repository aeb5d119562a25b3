/**
 * The seven boundary states of a channel (LIFECYCLE.md "Boundary states"):
 * - `NONE` — nothing planned; idle (stable);
 * - `PLANNED` — next boundary computed, its preload is due (transient);
 * - `PRELOAD_ISSUED` — LoadPreview accepted by the engine (transient);
 * - `SWITCH_SCHEDULED` — the one-shot switch is armed (transient);
 * - `SWITCH_ISSUED` — SwitchToLive sent, awaiting the answer (transient);
 * - `LIVE` — the engine confirmed the switch; output flowing (stable);
 * - `FAILED_TERMINAL` — unrecoverable; absorbing (stable).
 */
export type BoundaryState =
  | "NONE"
  | "PLANNED"
  | "PRELOAD_ISSUED"
  | "SWITCH_SCHEDULED"
  | "SWITCH_ISSUED"
  | "LIVE"
  | "FAILED_TERMINAL";

/** Every boundary state, in lifecycle order. */
export const BOUNDARY_STATES: readonly BoundaryState[] = Object.freeze([
  "NONE",
  "PLANNED",
  "PRELOAD_ISSUED",
  "SWITCH_SCHEDULED",
  "SWITCH_ISSUED",
  "LIVE",
  "FAILED_TERMINAL",
]);

/** States in which a teardown may run at once (INV-TEARDOWN-STABLE-STATE-001). */
export const STABLE_STATES: ReadonlySet<BoundaryState> = new Set<BoundaryState>(["NONE", "LIVE", "FAILED_TERMINAL"]);

/** States in which a teardown request is deferred (INV-TEARDOWN-STABLE-STATE-001). */
export const TRANSIENT_STATES: ReadonlySet<BoundaryState> = new Set<BoundaryState>([
  "PLANNED",
  "PRELOAD_ISSUED",
  "SWITCH_SCHEDULED",
  "SWITCH_ISSUED",
]);

/** True for NONE, LIVE and FAILED_TERMINAL. */
export function isStableState(state: BoundaryState): boolean {
  return STABLE_STATES.has(state);
}

/** True for PLANNED, PRELOAD_ISSUED, SWITCH_SCHEDULED and SWITCH_ISSUED. */
export function isTransientState(state: BoundaryState): boolean {
  return TRANSIENT_STATES.has(state);
}

/** Invariant IDs of LIFECYCLE.md (and the session start rule written there); log lines and test names carry them verbatim. */
export const Invariant = Object.freeze({
  BoundaryLifecycle: "INV-BOUNDARY-LIFECYCLE-001",
  BoundaryDeclaredMatchesPlan: "INV-BOUNDARY-DECLARED-MATCHES-PLAN-001",
  SwitchIssuanceDeadline: "INV-SWITCH-ISSUANCE-DEADLINE-001",
  SwitchIssuanceOneShot: "INV-SWITCH-ISSUANCE-ONESHOT-001",
  SwitchIssuanceTerminal: "INV-SWITCH-ISSUANCE-TERMINAL-001",
  TeardownStableState: "INV-TEARDOWN-STABLE-STATE-001",
  TeardownGraceTimeout: "INV-TEARDOWN-GRACE-TIMEOUT-001",
  TeardownNoNewWork: "INV-TEARDOWN-NO-NEW-WORK-001",
  LiveSessionAuthority: "INV-LIVE-SESSION-AUTHORITY-001",
  ViewerCountAdvisory: "INV-VIEWER-COUNT-ADVISORY-001",
  TerminalSchedulerHalt: "INV-TERMINAL-SCHEDULER-HALT-001",
  TerminalTimerCleared: "INV-TERMINAL-TIMER-CLEARED-001",
  /** The session start: immediate switch (target 0), NOT_READY polled within a start deadline. */
  SessionStartImmediate: "INV-SESSION-START-IMMEDIATE-001",
} as const);

/** One of the invariant IDs in {@link Invariant}. */
export type InvariantId = (typeof Invariant)[keyof typeof Invariant];
