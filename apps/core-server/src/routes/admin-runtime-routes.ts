import type { SessionGovernance } from "@retrovue/session-governance";
import type { EventLoopMonitor } from "../app/event-loop-monitor.js";
import { json } from "../http/reply.js";
import { route, type Route } from "../http/route.js";
import { requireAdmin } from "./admin-auth.js";

/** What `GET /admin/runtime` reads. */
export interface AdminRuntimeDeps {
  readonly adminToken: () => string | undefined;
  readonly loop: () => EventLoopMonitor | undefined;
  readonly governance: () => SessionGovernance;
}

/**
 * `GET /admin/runtime` (operator token): how the serving loop is doing — event-loop delay
 * (p50/p99/max over the last window) — and the session store's state (live sessions,
 * activity not yet written, file health).
 */
export function createAdminRuntimeRoutes(deps: AdminRuntimeDeps): Route[] {
  return [
    route("GET", "/admin/runtime", (ctx) => {
      requireAdmin(ctx, deps.adminToken);
      const gov = deps.governance();
      return json({
        eventLoopDelay: deps.loop()?.snapshot() ?? null,
        sessions: { live: gov.store.countLive(), pendingActivity: gov.governor.pendingActivity, store: gov.store.health() },
      });
    }),
  ];
}
