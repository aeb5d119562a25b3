import type { BoundaryPlan } from "./boundary-plan.js";
import type { ScheduledSegment, ScheduleSource } from "../ports/schedule-source.js";

/**
 * INV-BOUNDARY-DECLARED-MATCHES-PLAN-001, checked just before SwitchToLive goes out: the
 * declared target is the planned boundary exactly, the schedule still puts the planned
 * segment there (a `scheduled` boundary is still a segment start), and the lead is at
 * least MIN_PREFEED. Returns the mismatch, or undefined when all hold. Pure.
 */
export function checkDeclaredMatchesPlan(
  schedule: ScheduleSource,
  plan: BoundaryPlan,
  declaredTargetMs: number,
  issuedAtMs: number,
  minPrefeedLeadMs: number,
): string | undefined {
  if (declaredTargetMs !== plan.boundaryMs) {
    return `Declared target ${declaredTargetMs} differs from planned boundary ${plan.boundaryMs}`;
  }
  let current: ScheduledSegment;
  try {
    current = schedule.segmentAt(plan.channelNumber, plan.boundaryMs);
  } catch (error) {
    return `Schedule no longer answers for boundary ${plan.boundaryMs}: ${String(error)}`;
  }
  if (plan.kind === "scheduled" && current.startMs !== plan.boundaryMs) {
    return `Planned boundary ${plan.boundaryMs} is no longer a schedule boundary (segment starts at ${current.startMs})`;
  }
  // A next-item substitute (session start, bad current item) plays another item by design.
  if (plan.substitute !== "next-item" && (current.sequence !== plan.segment.sequence || current.assetPath !== plan.segment.assetPath || current.startMs !== plan.segment.startMs)) {
    return `Schedule changed for boundary ${plan.boundaryMs}: planned ${plan.segment.assetPath}#${plan.segment.sequence}, now ${current.assetPath}#${current.sequence}`;
  }
  if (declaredTargetMs - issuedAtMs < minPrefeedLeadMs) {
    return `Switch lead ${declaredTargetMs - issuedAtMs} ms is below MIN_PREFEED ${minPrefeedLeadMs} ms`;
  }
  return undefined;
}
