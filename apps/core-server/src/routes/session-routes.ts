import type { SessionGovernance } from "@retrovue/session-governance";
import { HttpProblem } from "../http/http-problem.js";
import { json, noContent } from "../http/reply.js";
import { route, type Route } from "../http/route.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { channelNumberOf, serveChannelStream, type StreamDeps } from "../streaming/serve-channel-stream.js";
import { gateSessionRequest, refusalProblem } from "./session-gate.js";
import { sessionJson } from "./session-json.js";
import { sessionOwnerOf } from "./session-owner.js";
import { clientAddressOf } from "./client-address.js";
import type { CreationRateLimiter } from "../sessions/creation-rate-limiter.js";

/** What the session routes need. */
export interface SessionRoutesDeps {
  readonly governance: () => SessionGovernance;
  readonly metrics: ServerMetrics;
  readonly stream: StreamDeps;
  /** Admission control of `POST /sessions`; absent: per-owner and store limits only. */
  readonly admission?: {
    readonly trustedProxies: readonly string[];
    readonly rate: CreationRateLimiter;
    readonly now: () => number;
  };
}

/** Prefix of every session-scoped route: each one goes through {@link gateSessionRequest}. */
export const SESSION_SCOPED_PREFIX = "/sessions/:id";

function objectBody(body: unknown): Readonly<Record<string, unknown>> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpProblem("bad-request", { detail: "The body must be a JSON object" });
  }
  return body as Record<string, unknown>;
}

/**
 * The viewer-session API (GOVERNANCE.md "What core-server governs"): create, status,
 * heartbeat, extend, end, and the governed stream. Every route under `/sessions/:id`
 * authenticates with the session's bearer token and passes the gate, so a terminated
 * session gets 410 on each of them.
 */
export function createSessionRoutes(deps: SessionRoutesDeps): Route[] {
  const gov = deps.governance;
  return [
    route("POST", "/sessions", async (ctx) => {
      // The address, not the claimed owner, is what limits creation (issue 14).
      const clientAddress = clientAddressOf(ctx.req, deps.admission?.trustedProxies);
      const rate = deps.admission?.rate.take(clientAddress, deps.admission.now());
      if (rate !== undefined && !rate.ok) {
        throw new HttpProblem("too-many-requests", {
          detail: `Too many sessions created from ${clientAddress}; try again later`,
          extensions: { reason: "create_rate", clientAddress, retryAfterMs: rate.retryAfterMs },
          headers: { "Retry-After": String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))) },
        });
      }
      const body = objectBody(await ctx.readJson());
      const ownerId = sessionOwnerOf(ctx.req, body.owner);
      const limits = body.limits;
      if (limits !== undefined && (typeof limits !== "object" || limits === null || Array.isArray(limits))) {
        throw new HttpProblem("bad-request", { detail: "limits must be an object", extensions: { field: "limits" } });
      }
      const created = gov().sessions.create({ ownerId, clientAddress, ...(limits !== undefined ? { limits: limits as Record<string, never> } : {}) });
      if (created.kind === "owner_limit") {
        throw new HttpProblem("too-many-requests", {
          detail: `Owner ${created.ownerId} already holds ${created.active} live sessions (limit ${created.limit}); end one first`,
          extensions: { reason: "owner_limit", ownerId: created.ownerId, limit: created.limit, active: created.active },
          headers: { "Retry-After": "60" },
        });
      }
      if (created.kind === "client_limit") {
        throw new HttpProblem("too-many-requests", {
          detail: `Client ${created.clientAddress} already holds ${created.active} live sessions (limit ${created.limit}), whatever owners they name; end one first`,
          extensions: { reason: "client_limit", clientAddress: created.clientAddress, limit: created.limit, active: created.active },
          headers: { "Retry-After": "60" },
        });
      }
      if (created.kind === "capacity") {
        throw new HttpProblem("service-unavailable", {
          detail: `The server holds its maximum of ${created.limit} live sessions; try again later`,
          extensions: { reason: "session_capacity", limit: created.limit, active: created.active },
          headers: { "Retry-After": "60" },
        });
      }
      deps.metrics.sessionsCreated.inc();
      deps.metrics.sessionsActive.inc();
      const id = created.session.id;
      ctx.log.info({ sessionId: id, ownerId }, "session created");
      return json(
        {
          ...sessionJson(created.session),
          token: created.token,
          links: {
            self: `/sessions/${id}`,
            heartbeat: `/sessions/${id}/heartbeat`,
            extend: `/sessions/${id}/extend`,
            stream: `/sessions/${id}/channels/{n}/stream.ts`,
          },
        },
        201,
        { Location: `/sessions/${id}` },
      );
    }),

    route("GET", `${SESSION_SCOPED_PREFIX}`, (ctx) => {
      // The gate already read the session: answer from that read, not a second one.
      const handle = gateSessionRequest(ctx, gov(), ctx.params.id, "status");
      return json(sessionJson(gov().sessions.viewOf(handle)));
    }),

    route("POST", `${SESSION_SCOPED_PREFIX}/heartbeat`, (ctx) => {
      const handle = gateSessionRequest(ctx, gov(), ctx.params.id, "heartbeat");
      return json(sessionJson(gov().sessions.viewOf(handle)));
    }),

    route("POST", `${SESSION_SCOPED_PREFIX}/extend`, async (ctx) => {
      // Gate first, so a terminated session answers 410 whatever the body. `extend` gates again inside (same order).
      const handle = gateSessionRequest(ctx, gov(), ctx.params.id, "extend");
      const body = objectBody(await ctx.readJson());
      const byMs = body.byMs;
      if (typeof byMs !== "number" || !Number.isSafeInteger(byMs) || byMs < 1) {
        throw new HttpProblem("bad-request", { detail: "byMs must be an integer >= 1 (milliseconds)", extensions: { field: "byMs" } });
      }
      const result = gov().sessions.extend(handle.sessionId, byMs, `session:${handle.sessionId}`);
      switch (result.kind) {
        case "extended":
          return json({
            sessionId: handle.sessionId,
            grantedMs: result.grantedMs,
            previousDeadlineAt: new Date(result.previousDeadlineAtMs).toISOString(),
            hardDeadlineAt: new Date(result.hardDeadlineAtMs).toISOString(),
            hardDeadlineAtMs: result.hardDeadlineAtMs,
            maxDeadlineAt: new Date(result.maxDeadlineAtMs).toISOString(),
          });
        case "limit_reached":
          throw new HttpProblem("conflict", {
            title: "Session cannot be extended further",
            detail: "The session is already at its longest allowed lifetime (or extending is off)",
            extensions: { sessionId: handle.sessionId, hardDeadlineAt: new Date(result.hardDeadlineAtMs).toISOString(), maxDeadlineAt: new Date(result.maxDeadlineAtMs).toISOString() },
          });
        default:
          throw refusalProblem(result);
      }
    }),

    route("DELETE", `${SESSION_SCOPED_PREFIX}`, (ctx) => {
      const handle = gateSessionRequest(ctx, gov(), ctx.params.id, "end");
      gov().termination.terminate(handle.sessionId, "user_requested", `session:${handle.sessionId}`);
      ctx.log.info({ sessionId: handle.sessionId }, "session ended by its holder");
      return noContent();
    }),

    route("GET", `${SESSION_SCOPED_PREFIX}/channels/:n/stream.ts`, (ctx) => {
      const handle = gateSessionRequest(ctx, gov(), ctx.params.id, "stream", { allowQueryToken: true, followClient: true });
      let channel: number;
      try {
        channel = channelNumberOf(ctx.params.n, deps.stream.schedule);
      } catch (error) {
        handle.release();
        throw error;
      }
      return serveChannelStream(ctx, deps.stream, channel, handle);
    }),
  ];
}
