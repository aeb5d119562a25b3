import type { LineupSchedule, ProgramDirector } from "@retrovue/core-runtime";
import type { ListSessionsFilter, SessionGovernance, TerminationReason } from "@retrovue/session-governance";
import { HttpProblem } from "../http/http-problem.js";
import { json } from "../http/reply.js";
import { route, type RequestContext, type Route } from "../http/route.js";
import { channelNumberOf } from "../streaming/serve-channel-stream.js";
import { requireAdmin } from "./admin-auth.js";
import { adminChannelJson } from "./admin-channel-json.js";
import { sessionEventJson, sessionJson } from "./session-json.js";

/** What the operator routes need. */
export interface AdminRoutesDeps {
  readonly adminToken: () => string | undefined;
  readonly director: () => ProgramDirector;
  readonly governance: () => SessionGovernance;
  readonly schedule: LineupSchedule;
  readonly clock: { now(): number };
}

/** Optional integer query parameter. @throws HttpProblem 400. */
function intParam(ctx: RequestContext, name: string): number | undefined {
  const text = ctx.query.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new HttpProblem("bad-request", { detail: `${name} must be a non-negative integer`, extensions: { param: name } });
  return Number(text);
}

/**
 * The operator API, behind the admin bearer token: channels with their boundary state,
 * viewers and teardown details; an operator stop through the teardown gate; sessions,
 * the audit feed, and termination (`admin_terminated`).
 */
export function createAdminRoutes(deps: AdminRoutesDeps): Route[] {
  const admin = <T>(handler: (ctx: RequestContext<T>) => ReturnType<Route["handler"]>) => (ctx: RequestContext<T>) => {
    requireAdmin(ctx as RequestContext, deps.adminToken);
    return handler(ctx);
  };
  return [
    route("GET", "/admin/channels", admin(() => {
      const snapshots = new Map(deps.director().channelSnapshots().map((s) => [s.channelNumber, s]));
      const director = deps.director();
      return json({
        at: new Date(deps.clock.now()).toISOString(),
        acceptingViewers: director.acceptingViewers,
        channelsPlaying: director.sessionCount,
        viewers: director.viewerCount,
        channels: deps.schedule.lineup.channels.map((c) => adminChannelJson(c, snapshots.get(c.number))),
      });
    })),

    route("POST", "/admin/channels/:n/stop", admin<{ readonly n: string }>(async (ctx) => {
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      const started = deps.clock.now();
      // Through the manager's teardown gate: waits for a stable boundary state (at most the grace).
      const stopped = await deps.director().stopChannel(n);
      ctx.log.info({ channel: n, stopped, actor: "operator" }, "operator stop");
      return json({ channel: n, stopped, wasPlaying: stopped, durationMs: deps.clock.now() - started });
    })),

    route("GET", "/admin/sessions", admin((ctx) => {
      const state = ctx.query.get("state") ?? undefined;
      const owner = ctx.query.get("owner") ?? undefined;
      const reason = ctx.query.get("reason") ?? undefined;
      const limit = intParam(ctx, "limit");
      const cursor = ctx.query.get("cursor") ?? undefined;
      const filter: ListSessionsFilter = {
        ...(state !== undefined ? { state: state as ListSessionsFilter["state"] & string } : {}),
        ...(owner !== undefined ? { ownerId: owner } : {}),
        ...(reason !== undefined ? { reason: reason as TerminationReason } : {}),
      };
      const page = deps.governance().sessions.list(filter, { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) });
      return json({ sessions: page.sessions.map(sessionJson), nextCursor: page.nextCursor });
    })),

    route("GET", "/admin/sessions/:id", admin<{ readonly id: string }>((ctx) => {
      const view = deps.governance().sessions.get(ctx.params.id);
      if (view === undefined) throw new HttpProblem("not-found", { detail: "No such session", extensions: { sessionId: ctx.params.id } });
      return json(sessionJson(view));
    })),

    route("GET", "/admin/sessions/:id/events", admin<{ readonly id: string }>((ctx) => {
      const afterSeq = intParam(ctx, "afterSeq");
      const limit = intParam(ctx, "limit");
      const page = deps.governance().sessions.events(ctx.params.id, { ...(afterSeq !== undefined ? { afterSeq } : {}), ...(limit !== undefined ? { limit } : {}) });
      return json({ events: page.events.map(sessionEventJson), nextAfterSeq: page.nextAfterSeq });
    })),

    route("GET", "/admin/events", admin((ctx) => {
      const afterSeq = intParam(ctx, "afterSeq");
      const limit = intParam(ctx, "limit");
      const page = deps.governance().sessions.feed({ ...(afterSeq !== undefined ? { afterSeq } : {}), ...(limit !== undefined ? { limit } : {}) });
      return json({ events: page.events.map(sessionEventJson), nextAfterSeq: page.nextAfterSeq });
    })),

    route("POST", "/admin/sessions/:id/terminate", admin<{ readonly id: string }>((ctx) => {
      const result = deps.governance().termination.terminate(ctx.params.id, "admin_terminated", "operator:admin");
      if (result.kind === "not_found") throw new HttpProblem("not-found", { detail: "No such session", extensions: { sessionId: result.sessionId } });
      ctx.log.info({ sessionId: result.sessionId, won: result.won, reason: result.reason }, "operator terminated session");
      return json({
        sessionId: result.sessionId,
        terminated: true,
        // false: it was already terminated; the first reason stands (GOVERNANCE.md guarantee 3).
        won: result.won,
        reason: result.reason,
        actor: result.actor,
        terminatedAt: new Date(result.terminatedAtMs).toISOString(),
      });
    })),
  ];
}
