import { isTransientState, type BoundaryState } from "./boundary-state.js";

/** What the time rules look at: a plain view of a manager. */
export interface TimeRuleInput {
  readonly state: BoundaryState;
  /** True while the session runs (started, not released, not disposed). */
  readonly running: boolean;
  readonly plan?: { readonly boundaryMs: number; readonly preloadAtMs: number; readonly switchIssueAtMs: number } | undefined;
  /** Grace deadline of a pending teardown. */
  readonly teardownDeadlineMs?: number | undefined;
  /** When a failed LoadPreview may be retried. */
  readonly loadPreviewRetryAtMs?: number | undefined;
  readonly loadPreviewInFlight: boolean;
  /** How long after its target a SwitchToLive answer may take. */
  readonly switchAnswerTimeoutMs: number;
}

/**
 * The rule due at an instant, in priority order:
 * - `grace-expired` — teardown pending, still transient at the deadline (inclusive) (INV-TEARDOWN-GRACE-TIMEOUT-001);
 * - `preload` — NONE/LIVE with a plan whose preload instant has come (not while a teardown is pending);
 * - `preload-missed` — still PLANNED at the switch issuance instant (INV-SWITCH-ISSUANCE-DEADLINE-001);
 * - `retry-preload` — PLANNED, a LoadPreview retry is due (not while a teardown is pending);
 * - `arm-switch` — PRELOAD_ISSUED, nothing pending: arm the one-shot switch;
 * - `switch-missed` — PRELOAD_ISSUED with a teardown pending at the switch issuance instant
 *   (no switch may be scheduled: INV-TEARDOWN-NO-NEW-WORK-001);
 * - `issue-switch` — SWITCH_SCHEDULED at its issuance instant;
 * - `switch-unanswered` — SWITCH_ISSUED past target + answer timeout.
 */
export type DueRule =
  | "grace-expired"
  | "preload"
  | "preload-missed"
  | "retry-preload"
  | "arm-switch"
  | "switch-missed"
  | "issue-switch"
  | "switch-unanswered";

/** The rule due at `nowMs`, or undefined. Pure. FAILED_TERMINAL has none (INV-TERMINAL-SCHEDULER-HALT-001). */
export function dueRule(input: TimeRuleInput, nowMs: number): DueRule | undefined {
  const { state, plan } = input;
  if (state === "FAILED_TERMINAL") return undefined;
  const pending = input.teardownDeadlineMs !== undefined;
  if (pending && isTransientState(state) && nowMs >= input.teardownDeadlineMs!) return "grace-expired";
  if (!input.running || plan === undefined) return undefined;
  switch (state) {
    case "NONE":
    case "LIVE":
      return !pending && nowMs >= plan.preloadAtMs ? "preload" : undefined;
    case "PLANNED":
      if (nowMs >= plan.switchIssueAtMs) return "preload-missed";
      if (!pending && !input.loadPreviewInFlight && input.loadPreviewRetryAtMs !== undefined && nowMs >= input.loadPreviewRetryAtMs) {
        return "retry-preload";
      }
      return undefined;
    case "PRELOAD_ISSUED":
      if (!pending) return "arm-switch";
      return nowMs >= plan.switchIssueAtMs ? "switch-missed" : undefined;
    case "SWITCH_SCHEDULED":
      return nowMs >= plan.switchIssueAtMs ? "issue-switch" : undefined;
    case "SWITCH_ISSUED":
      return nowMs >= plan.boundaryMs + input.switchAnswerTimeoutMs ? "switch-unanswered" : undefined;
  }
}

/**
 * The earliest instant at which {@link dueRule} can next return a rule, or undefined when
 * none can (nothing to arm a timer for). Pure.
 */
export function nextDueAtMs(input: TimeRuleInput): number | undefined {
  const { state, plan } = input;
  if (state === "FAILED_TERMINAL") return undefined;
  const pending = input.teardownDeadlineMs !== undefined;
  let next: number | undefined;
  const due = (atMs: number): void => {
    if (next === undefined || atMs < next) next = atMs;
  };
  if (pending && isTransientState(state)) due(input.teardownDeadlineMs!);
  if (input.running && plan !== undefined) {
    switch (state) {
      case "NONE":
      case "LIVE":
        if (!pending) due(plan.preloadAtMs);
        break;
      case "PLANNED":
        due(plan.switchIssueAtMs);
        if (!pending && !input.loadPreviewInFlight && input.loadPreviewRetryAtMs !== undefined) due(input.loadPreviewRetryAtMs);
        break;
      case "PRELOAD_ISSUED":
      case "SWITCH_SCHEDULED":
        due(plan.switchIssueAtMs);
        break;
      case "SWITCH_ISSUED":
        due(plan.boundaryMs + input.switchAnswerTimeoutMs);
        break;
    }
  }
  return next;
}
