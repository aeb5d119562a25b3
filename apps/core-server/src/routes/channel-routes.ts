import type { Clock, LineupSchedule, ProgramDirector } from "@retrovue/core-runtime";
import { BaseUrlError, baseUrlFromRequest } from "../guide/base-url.js";
import { HttpProblem } from "../http/http-problem.js";
import { json } from "../http/reply.js";
import { route, type RequestContext, type Route } from "../http/route.js";
import { channelNumberOf, serveChannelStream, type StreamDeps } from "../streaming/serve-channel-stream.js";
import { channelJson } from "./channel-view.js";

/** What the channel routes need. */
export interface ChannelRoutesDeps {
  readonly director: () => ProgramDirector;
  readonly schedule: LineupSchedule;
  readonly clock: Pick<Clock, "now">;
  readonly stream: StreamDeps;
  /** Serve `/channels/{n}/stream.ts` without a session. Off → 403 naming the session URL. */
  readonly sessionlessStreaming: boolean;
}

function baseUrl(ctx: RequestContext): string {
  try {
    return baseUrlFromRequest(ctx.req);
  } catch (error) {
    if (error instanceof BaseUrlError) throw new HttpProblem("bad-request", { detail: "The request's Host is not a valid host[:port]", cause: error });
    throw error;
  }
}

/**
 * The lineup for viewers: `GET /channels` (each channel with now/next from the schedule,
 * its state and viewers, and its stream URL), `GET /channels/{n}`, and the session-less
 * stream `GET /channels/{n}/stream.ts`.
 */
export function createChannelRoutes(deps: ChannelRoutesDeps): Route[] {
  const snapshots = () => new Map(deps.director().channelSnapshots().map((s) => [s.channelNumber, s]));
  return [
    route("GET", "/channels", (ctx) => {
      const base = baseUrl(ctx);
      const now = deps.clock.now();
      const live = snapshots();
      const channels = deps.schedule.lineup.channels.map((c) => channelJson(c, deps.schedule, live.get(c.number), now, base));
      return json({ channels, at: new Date(now).toISOString() });
    }),
    route("GET", "/channels/:n", (ctx) => {
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      return json(channelJson(deps.schedule.channel(n), deps.schedule, snapshots().get(n), deps.clock.now(), baseUrl(ctx)));
    }),
    route("GET", "/channels/:n/stream.ts", (ctx) => {
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      if (!deps.sessionlessStreaming) {
        throw new HttpProblem("forbidden", {
          title: "Session-less streaming is off",
          detail: "Create a session (POST /sessions) and open /sessions/{id}/channels/{n}/stream.ts",
          extensions: { reason: "session_required" },
        });
      }
      return serveChannelStream(ctx, deps.stream, n);
    }),
  ];
}
