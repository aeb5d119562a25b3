import { createHash } from "node:crypto";
import type { ScheduleSource } from "@retrovue/core-runtime";
import type { SessionGovernance } from "@retrovue/session-governance";
import { HLS_PLAYLIST_CONTENT_TYPE, renderMediaPlaylist } from "../hls/hls-playlist.js";
import { HlsNotReadyError, type HlsService } from "../hls/hls-service.js";
import { HttpProblem } from "../http/http-problem.js";
import { handled, text, type Reply } from "../http/reply.js";
import { route, type RequestContext, type Route } from "../http/route.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { channelNumberOf } from "../streaming/serve-channel-stream.js";
import { gateSessionRequest } from "./session-gate.js";
import { SESSION_SCOPED_PREFIX } from "./session-routes.js";

/** What the HLS routes need. */
export interface HlsRoutesDeps {
  readonly hls: HlsService;
  readonly governance: () => SessionGovernance;
  readonly schedule: ScheduleSource;
  readonly metrics: ServerMetrics;
  /** As for `/channels/{n}/stream.ts`: off → the session-less playlist answers 403. */
  readonly sessionlessStreaming: boolean;
}

/** A playlist is live: never cached anywhere. */
const PLAYLIST_HEADERS = { "Cache-Control": "no-cache, no-store, must-revalidate" } as const;

/**
 * A session-less viewer is its client address and user agent (HLS requests carry no
 * identity of their own; two players behind one address with one user agent count once).
 */
function anonymousViewerKey(ctx: RequestContext): string {
  const who = `${ctx.req.socket.remoteAddress ?? "?"}|${ctx.req.headers["user-agent"] ?? ""}`;
  return `anon:${createHash("sha256").update(who).digest("base64url").slice(0, 16)}`;
}

/** `<epoch>-<seq>.ts` → `<epoch>-<seq>`, else a 404. */
function segmentNameOf(file: string): string {
  const m = /^([a-z0-9]{1,16}-\d{1,12})\.ts$/.exec(file);
  if (m?.[1] === undefined) throw new HttpProblem("not-found", { detail: "No such segment", extensions: { reason: "unknown_segment" } });
  return m[1];
}

/**
 * HLS output (RFC 8216): `GET /channels/{n}/stream.m3u8` and its segments
 * `/channels/{n}/hls/<epoch>-<seq>.ts`, and the governed twins under
 * `/sessions/{id}/channels/{n}/…` (session token as header or `?token=`, which the
 * playlist carries into its segment URLs). The first playlist request of a viewer tunes
 * in and waits for the channel's first segment (503 + Retry-After past the wait); later
 * fetches keep the viewer present. Playlists are never cached; segments are immutable
 * (their URLs are never reused).
 */
export function createHlsRoutes(deps: HlsRoutesDeps): Route[] {
  const playlist = async (ctx: RequestContext, channel: number, key: string, label: string, tokenQuery: string, admit?: () => Parameters<HlsService["watch"]>[3]): Promise<Reply> => {
    if (ctx.method === "HEAD") return text("", HLS_PLAYLIST_CONTENT_TYPE, 200, PLAYLIST_HEADERS);
    try {
      await deps.hls.watch(channel, key, label, admit?.());
    } catch (error) {
      if (error instanceof HlsNotReadyError) {
        throw new HttpProblem("service-unavailable", { title: "Channel is starting", detail: error.message, headers: { "Retry-After": "2" }, extensions: { reason: "hls_starting" } });
      }
      throw error;
    }
    const window = deps.hls.window(channel);
    const body = renderMediaPlaylist(deps.hls.options.segmenter.targetDurationS, window?.segments ?? [], (s) => `hls/${window?.epoch ?? "x"}-${s.sequence}.ts${tokenQuery}`);
    return text(body, HLS_PLAYLIST_CONTENT_TYPE, 200, PLAYLIST_HEADERS);
  };

  const segment = (ctx: RequestContext, channel: number, file: string, key: string, cacheScope: "public" | "private"): Reply => {
    const found = deps.hls.segment(channel, segmentNameOf(file));
    if (found === undefined) throw new HttpProblem("not-found", { detail: "The segment is not (or no longer) held", extensions: { reason: "unknown_segment" } });
    deps.hls.touch(channel, key);
    ctx.res.writeHead(200, {
      "Content-Type": "video/mp2t",
      "Content-Length": String(found.bytes.length),
      // The URL names one segment of one segmenter forever.
      "Cache-Control": `${cacheScope}, max-age=86400, immutable`,
    });
    if (ctx.method === "HEAD") ctx.res.end();
    else {
      ctx.res.end(found.bytes);
      deps.metrics.streamBytesOut.labels(String(channel)).inc(found.bytes.length);
    }
    return handled();
  };

  const sessionless = (ctx: RequestContext): void => {
    if (!deps.sessionlessStreaming) {
      throw new HttpProblem("forbidden", {
        title: "Session-less streaming is off",
        detail: "Create a session (POST /sessions) and open /sessions/{id}/channels/{n}/stream.m3u8",
        extensions: { reason: "session_required" },
      });
    }
  };

  return [
    route("GET", "/channels/:n/stream.m3u8", (ctx) => {
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      sessionless(ctx);
      return playlist(ctx, n, anonymousViewerKey(ctx), `sessionless ${ctx.req.socket.remoteAddress ?? "?"}`, "");
    }),
    route("GET", "/channels/:n/hls/:segment", (ctx) => {
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      sessionless(ctx);
      return segment(ctx, n, ctx.params.segment, anonymousViewerKey(ctx), "public");
    }),
    route("GET", `${SESSION_SCOPED_PREFIX}/channels/:n/stream.m3u8`, (ctx) => {
      const key = `session:${ctx.params.id}`;
      // Authenticates and applies the gate (410 once terminated) on every fetch.
      const probe = gateSessionRequest(ctx, deps.governance(), ctx.params.id, "heartbeat", { allowQueryToken: true });
      probe.release();
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      const token = ctx.query.get("token");
      const tokenQuery = token === null ? "" : `?token=${encodeURIComponent(token)}`;
      // A new viewer holds a stream slot for as long as it watches, like an MPEG-TS stream.
      const admit = deps.hls.hasViewer(n, key) ? undefined : () => gateSessionRequest(ctx, deps.governance(), ctx.params.id, "stream", { allowQueryToken: true });
      return playlist(ctx, n, key, `session ${ctx.params.id}`, tokenQuery, admit);
    }),
    route("GET", `${SESSION_SCOPED_PREFIX}/channels/:n/hls/:segment`, (ctx) => {
      const probe = gateSessionRequest(ctx, deps.governance(), ctx.params.id, "heartbeat", { allowQueryToken: true });
      probe.release();
      const n = channelNumberOf(ctx.params.n, deps.schedule);
      return segment(ctx, n, ctx.params.segment, `session:${ctx.params.id}`, "private");
    }),
  ];
}
