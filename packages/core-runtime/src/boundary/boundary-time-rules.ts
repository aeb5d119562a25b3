import { isTransientState, type BoundaryState } from "./boundary-state.js";

/** What the time rules look at: a plain view of a manager. */
export interface TimeRuleInput {
  readonly state: BoundaryState;
  /** True while the session runs (started, not released, not disposed). */
  readonly running: boolean;
  readonly plan?:
    | {
        readonly boundaryMs: number;
        readonly preloadAtMs: number;
        readonly switchIssueAtMs: number;
        /** Set only for the immediate session start (INV-SESSION-START-IMMEDIATE-001). */
        readonly startDeadlineMs?: number | undefined;
      }
    | undefined;
  /** Grace deadline of a pending teardown. */
  readonly teardownDeadlineMs?: number | undefined;
  /** When a failed LoadPreview may be retried. */
  readonly loadPreviewRetryAtMs?: number | undefined;
  /** An engine call (LoadPreview, or the immediate start's SwitchToLive) is in flight. */
  readonly loadPreviewInFlight: boolean;
  /** Immediate start: when the next SwitchToLive poll is due after a NOT_READY. */
  readonly switchPollAtMs?: number | undefined;
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
 *
 * The immediate session start (plan with `startDeadlineMs`, INV-SESSION-START-IMMEDIATE-001)
 * differs: the switch is armed and issued as soon as the preview is accepted; at the start
 * deadline (inclusive) a start still PLANNED is `preload-missed` and one still SWITCH_ISSUED is
 * `start-deadline`; `poll-switch` re-sends the SwitchToLive after a NOT_READY (no call in flight).
 * With a teardown pending in PRELOAD_ISSUED it is `switch-missed` at once (nothing can resolve it).
 */
export type DueRule =
  | "grace-expired"
  | "preload"
  | "preload-missed"
  | "retry-preload"
  | "arm-switch"
  | "switch-missed"
  | "issue-switch"
  | "switch-unanswered"
  | "poll-switch"
  | "start-deadline";

/** The rule due at `nowMs`, or undefined. Pure. FAILED_TERMINAL has none (INV-TERMINAL-SCHEDULER-HALT-001). */
export function dueRule(input: TimeRuleInput, nowMs: number): DueRule | undefined {
  const { state, plan } = input;
  if (state === "FAILED_TERMINAL") return undefined;
  const pending = input.teardownDeadlineMs !== undefined;
  if (pending && isTransientState(state) && nowMs >= input.teardownDeadlineMs!) return "grace-expired";
  if (!input.running || plan === undefined) return undefined;
  if (plan.startDeadlineMs !== undefined) return immediateStartRule(input, plan.startDeadlineMs, pending, nowMs);
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

function immediateStartRule(input: TimeRuleInput, deadlineMs: number, pending: boolean, nowMs: number): DueRule | undefined {
  const late = nowMs >= deadlineMs;
  switch (input.state) {
    case "NONE":
      return pending ? undefined : "preload";
    case "PLANNED":
      if (late) return "preload-missed";
      return !pending && !input.loadPreviewInFlight && input.loadPreviewRetryAtMs !== undefined && nowMs >= input.loadPreviewRetryAtMs
        ? "retry-preload"
        : undefined;
    case "PRELOAD_ISSUED":
      return pending ? "switch-missed" : "arm-switch";
    case "SWITCH_SCHEDULED":
      return "issue-switch";
    case "SWITCH_ISSUED":
      if (late) return "start-deadline";
      return !input.loadPreviewInFlight && input.switchPollAtMs !== undefined && nowMs >= input.switchPollAtMs ? "poll-switch" : undefined;
    default:
      return undefined;
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
  if (input.running && plan !== undefined && plan.startDeadlineMs !== undefined) {
    if (isTransientState(state)) due(plan.startDeadlineMs);
    if (state === "NONE" && !pending) due(plan.preloadAtMs);
    if (state === "PLANNED" && !pending && !input.loadPreviewInFlight && input.loadPreviewRetryAtMs !== undefined) due(input.loadPreviewRetryAtMs);
    if (state === "SWITCH_ISSUED" && !input.loadPreviewInFlight && input.switchPollAtMs !== undefined) due(input.switchPollAtMs);
  } else if (input.running && plan !== undefined) {
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
