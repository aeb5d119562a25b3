import type { ScheduleSource } from "../ports/schedule-source.js";
import type { BoundaryPlan } from "./boundary-plan.js";
import { Invariant, type InvariantId } from "./boundary-state.js";
import { checkDeclaredMatchesPlan } from "./declared-plan-check.js";

/** What to do with a scheduled boundary's SwitchToLive at its (possibly late) issuance. */
export type SwitchIssuanceDecision =
  | { readonly kind: "terminal"; readonly reason: string; readonly invariant: InvariantId }
  | { readonly kind: "send"; readonly leadMs: number; readonly lateByMs: number; readonly countedLate: boolean };

/**
 * The rules checked just before a scheduled SwitchToLive goes out, in order:
 * - INV-SWITCH-ISSUANCE-DEADLINE-001: a lead (target − now) below MIN_PREFEED can no longer
 *   be honoured → terminal; a late issuance that still carries it is sent with its exact
 *   planned target, and counted late past `lateIssuanceToleranceMs` (a slow timer is not a failure);
 * - INV-BOUNDARY-DECLARED-MATCHES-PLAN-001 (target = plan, schedule unchanged);
 * - INV-SWITCH-ISSUANCE-ONESHOT-001 (never a second SwitchToLive for one boundary).
 * Pure.
 */
export function decideSwitchIssuance(
  schedule: ScheduleSource,
  plan: BoundaryPlan,
  nowMs: number,
  options: { readonly minPrefeedLeadMs: number; readonly lateIssuanceToleranceMs: number },
  lastSwitchTargetMs: number | undefined,
): SwitchIssuanceDecision {
  const lateByMs = nowMs - plan.switchIssueAtMs;
  const leadMs = plan.boundaryMs - nowMs;
  if (leadMs < options.minPrefeedLeadMs) {
    return {
      kind: "terminal",
      invariant: Invariant.SwitchIssuanceDeadline,
      reason: `SwitchToLive for boundary ${plan.boundaryMs} can no longer carry MIN_PREFEED: issued ${lateByMs} ms late, lead ${leadMs} ms < ${options.minPrefeedLeadMs} ms`,
    };
  }
  const mismatch = checkDeclaredMatchesPlan(schedule, plan, plan.boundaryMs, nowMs, options.minPrefeedLeadMs);
  if (mismatch !== undefined) return { kind: "terminal", reason: mismatch, invariant: Invariant.BoundaryDeclaredMatchesPlan };
  if (lastSwitchTargetMs === plan.boundaryMs) {
    return { kind: "terminal", reason: `SwitchToLive for boundary ${plan.boundaryMs} already issued once`, invariant: Invariant.SwitchIssuanceOneShot };
  }
  return { kind: "send", leadMs, lateByMs, countedLate: lateByMs > options.lateIssuanceToleranceMs };
}
