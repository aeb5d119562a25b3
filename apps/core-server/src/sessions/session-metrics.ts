import type { SessionGovernance } from "@retrovue/session-governance";
import type { ServerMetrics } from "../metrics/server-metrics.js";

const PAGE = 500;

/**
 * Feeds `retrovue_session_terminations_total{reason}` and `retrovue_sessions_active` from
 * governance: the gauge starts at the live sessions in the store (they survive restarts)
 * and follows creations (counted by the create route) and winning terminations. Returns
 * the unsubscribe function.
 */
export function feedSessionMetrics(governance: SessionGovernance, metrics: ServerMetrics): () => void {
  let live = 0;
  let cursor: string | undefined;
  do {
    const page = governance.sessions.list({ state: "live" }, cursor === undefined ? { limit: PAGE } : { limit: PAGE, cursor });
    live += page.sessions.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  metrics.sessionsActive.set(live);
  return governance.termination.onTerminated((event) => {
    metrics.sessionTerminations.inc({ reason: event.reason });
    metrics.sessionsActive.dec();
  });
}
