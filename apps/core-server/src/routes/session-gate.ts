import type { GateRefusal, OperationHandle, SessionGovernance } from "@retrovue/session-governance";
import { bearerTokenOf, unauthorized } from "../http/bearer-token.js";
import { HttpProblem } from "../http/http-problem.js";
import type { RequestContext } from "../http/route.js";

/** Session operations the server runs through the gate (`stream` holds a slot). */
export type SessionOperation = "stream" | "heartbeat" | "status" | "extend" | "end";

/**
 * GOVERNANCE.md "HTTP mapping" of a refusal: gone → 410 `{sessionId, reason,
 * terminatedAt}`, unknown → 404, concurrency rejected → 429 with `Retry-After` and
 * `{limit, active}`.
 */
export function refusalProblem(refusal: GateRefusal): HttpProblem {
  switch (refusal.kind) {
    case "gone":
      return new HttpProblem("session-gone", {
        detail: `Session ${refusal.sessionId} was terminated (${refusal.reason}); create a new one`,
        extensions: {
          sessionId: refusal.sessionId,
          reason: refusal.reason,
          terminatedAt: new Date(refusal.terminatedAtMs).toISOString(),
          terminatedAtMs: refusal.terminatedAtMs,
        },
      });
    case "not_found":
      return new HttpProblem("not-found", { detail: "No such session", extensions: { sessionId: refusal.sessionId, reason: "unknown_session" } });
    case "rejected":
      return new HttpProblem("too-many-requests", {
        detail: `The session already has ${refusal.active} of ${refusal.limit} streams open`,
        extensions: { sessionId: refusal.sessionId, limit: refusal.limit, active: refusal.active },
        headers: { "Retry-After": String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))) },
      });
  }
}

/**
 * Authenticates a session-scoped request: `Authorization: Bearer <session token>`, or,
 * when `allowQueryToken` (the governed stream URL, for players that cannot set headers),
 * `?token=`. A terminated session's token still verifies, so the gate answers 410.
 * @throws HttpProblem 401 (missing or wrong token), 404 (no such session).
 */
export function authenticateSession(ctx: RequestContext, governance: SessionGovernance, sessionId: string, allowQueryToken = false): void {
  const token = bearerTokenOf(ctx.req) ?? (allowQueryToken ? (ctx.query.get("token") ?? undefined) : undefined);
  if (token === undefined) {
    throw unauthorized(allowQueryToken ? "Send the session token as Authorization: Bearer <token> or ?token=<token>" : "Send the session token as Authorization: Bearer <token>");
  }
  const check = governance.sessions.verifyToken(sessionId, token);
  if (check === "not_found") throw new HttpProblem("not-found", { detail: "No such session", extensions: { sessionId, reason: "unknown_session" } });
  if (check === "invalid") throw unauthorized("The token does not belong to this session");
}

/**
 * The one pipeline of every session route: authenticate, then the governance gate
 * (terminated → max lifetime → idle → concurrency → admit). Returns the admitted handle
 * (release it; `stream` handles hold a slot until released).
 * @throws HttpProblem 401/404/410/429.
 */
export function gateSessionRequest(
  ctx: RequestContext,
  governance: SessionGovernance,
  sessionId: string,
  operation: SessionOperation,
  options: { readonly allowQueryToken?: boolean; readonly followClient?: boolean } = {},
): OperationHandle {
  authenticateSession(ctx, governance, sessionId, options.allowQueryToken ?? false);
  const decision = governance.governor.admit(sessionId, operation, options.followClient ? { signal: ctx.signal } : {});
  if (decision.kind !== "admitted") throw refusalProblem(decision);
  return decision.handle;
}
