import type { SessionGovernance } from "@retrovue/session-governance";
import type { ServerMetrics } from "../metrics/server-metrics.js";

/**
 * Feeds `retrovue_session_terminations_total{reason}` and `retrovue_sessions_active` from
 * governance: the gauge starts at the live sessions in the store (they survive restarts)
 * and follows creations (counted by the create route) and winning terminations. Returns
 * the unsubscribe function.
 */
export function feedSessionMetrics(governance: SessionGovernance, metrics: ServerMetrics): () => void {
  // One indexed count, not a walk over every live session (tens of thousands after a flood).
  metrics.sessionsActive.set(governance.store.countLive());
  return governance.termination.onTerminated((event) => {
    metrics.sessionTerminations.inc({ reason: event.reason });
    metrics.sessionsActive.dec();
  });
}
