import type { Clock, LineupSchedule, ProgramDirector } from "@retrovue/core-runtime";
import type { HlsService } from "../hls/hls-service.js";
import { HttpProblem } from "../http/http-problem.js";
import { handled, json, type Reply } from "../http/reply.js";
import { route, type RequestContext, type Route } from "../http/route.js";
import { createStaticFiles, type StaticFile, type StaticFiles } from "../web/static-files.js";
import { channelStateOf } from "./channel-view.js";

/** What the web app's routes need. */
export interface WebRoutesDeps {
  readonly schedule: LineupSchedule;
  readonly clock: Pick<Clock, "now">;
  readonly director: () => ProgramDirector;
  readonly hls: HlsService;
  /** Default: `@retrovue/web`'s build. */
  readonly files?: StaticFiles;
}

const MINUTE_MS = 60_000;

/** Integer query parameter within [min, max], or its default. @throws HttpProblem 400. */
function minutesParam(ctx: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const value = ctx.query.get(name);
  if (value === null) return fallback;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new HttpProblem("bad-request", { detail: `${name} must be an integer from ${min} to ${max}`, extensions: { param: name } });
  return n;
}

function sendFile(ctx: RequestContext, file: StaticFile, cacheControl: string): Reply {
  ctx.res.writeHead(200, {
    "Content-Type": file.contentType,
    "Content-Length": String(file.body.length),
    "Cache-Control": cacheControl,
    "X-Content-Type-Options": "nosniff",
  });
  ctx.res.end(ctx.method === "HEAD" ? undefined : file.body);
  return handled();
}

/**
 * The web app: `GET /` (its `index.html`, revalidated on every load), `GET /assets/{file}`
 * (content-hashed names, so immutable for a year), and `GET /guide.json`, the time grid
 * the guide draws: every channel with its state, viewers and the programmes overlapping
 * `[now − past, now + minutes)` (`?minutes=` 5–720, default 30; `?past=` 0–120, default 2).
 */
export function createWebRoutes(deps: WebRoutesDeps): Route[] {
  const files = deps.files ?? createStaticFiles();
  const notBuilt = (): HttpProblem =>
    new HttpProblem("service-unavailable", { title: "The web app is not built", detail: "Run `pnpm build` at the repository root", extensions: { reason: "web_not_built" } });
  return [
    route("GET", "/", (ctx) => {
      const index = files.index();
      if (index === undefined) throw notBuilt();
      return sendFile(ctx, index, "no-cache");
    }),
    route("GET", "/assets/:file", (ctx) => {
      const file = files.asset(ctx.params.file);
      if (file === undefined) throw new HttpProblem("not-found", { detail: "No such asset", extensions: { reason: "unknown_asset" } });
      return sendFile(ctx, file, "public, max-age=31536000, immutable");
    }),
    route("GET", "/guide.json", (ctx) => {
      const now = deps.clock.now();
      const fromMs = now - minutesParam(ctx, "past", 2, 0, 120) * MINUTE_MS;
      const toMs = now + minutesParam(ctx, "minutes", 30, 5, 720) * MINUTE_MS;
      const snapshots = new Map(deps.director().channelSnapshots().map((s) => [s.channelNumber, s]));
      const hlsViewers = new Map(deps.hls.snapshots().map((s) => [s.channel, s.viewers]));
      const channels = deps.schedule.lineup.channels.map((c) => ({
        number: c.number,
        name: c.name,
        ...(c.group !== undefined ? { group: c.group } : {}),
        ...(c.logo !== undefined ? { logo: c.logo } : {}),
        state: channelStateOf(snapshots.get(c.number)),
        viewers: snapshots.get(c.number)?.viewers ?? 0,
        hlsViewers: hlsViewers.get(c.number) ?? 0,
        hlsUrl: `/channels/${c.number}/stream.m3u8`,
        programmes: deps.schedule.segmentsBetween(c.number, fromMs, toMs).map((s) => ({
          title: s.title,
          ...(s.description !== undefined ? { description: s.description } : {}),
          ...(s.category !== undefined ? { category: s.category } : {}),
          startMs: s.startMs,
          endMs: s.endMs,
        })),
      }));
      return json({ nowMs: now, fromMs, toMs, channels });
    }),
  ];
}
