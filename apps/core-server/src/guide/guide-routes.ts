import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock, Logger } from "@retrovue/core-runtime";
import { BaseUrlError, baseUrlFromRequest } from "./base-url.js";
import type { GuideLineup } from "./guide-lineup.js";
import { GuideConfigError, resolveGuideRoutesOptions, type GuideRoutesOptionsInput } from "./guide-routes-options.js";
import { parseGuideWindow } from "./guide-window.js";
import { hdHomeRunLineupStatus, renderDeviceXml, renderDiscover, renderHdHomeRunLineup } from "./hdhomerun.js";
import { sendCachedBody, sendJson, sendProblem, sendText } from "./http-response.js";
import { isValidHdHomeRunDeviceId } from "./device-id-store.js";
import { renderM3u } from "./m3u.js";
import { createRenderCache, type RenderCache } from "./render-cache.js";
import { createXmltvTiles, etagOfKey, type XmltvTiles } from "./xmltv-tiles.js";

/**
 * One HTTP route: exact method and path (match on the pathname, ignore the query), and a
 * node:http handler. GET handlers also answer HEAD correctly (headers, no body): route HEAD
 * to them.
 */
export interface GuideRoute {
  readonly method: "GET" | "POST";
  readonly path: string;
  /** Answers the request completely; never rejects (failures become problem responses). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** What the guide routes need from the server. */
export interface GuideRoutesDeps {
  /** The current lineup; read once per request (so a reload is seen by the next request). */
  readonly lineup: () => GuideLineup;
  /** Source of "now" for the default guide window. */
  readonly clock: Pick<Clock, "now">;
  /** HDHomeRun DeviceID from {@link loadOrCreateDeviceId}. */
  readonly deviceId: string;
  /** The tuner budget (concurrent channels), published as TunerCount; integer >= 1. */
  readonly tunerCount: number;
  readonly logger?: Logger;
  /** The render cache; default a new one bounded by options.cache (inject to share or inspect). */
  readonly cache?: RenderCache;
  /** The XMLTV tile cache; default a new one (inject to inspect). */
  readonly tiles?: XmltvTiles;
}

const XML = "application/xml; charset=utf-8";
const M3U = "audio/x-mpegurl; charset=utf-8";

/**
 * Builds the playlist, guide and HDHomeRun routes: GET (and HEAD) of /playlist.m3u, /guide.xml,
 * /discover.json, /lineup.json, /lineup_status.json, /device.xml, and POST /lineup.post (a
 * no-op channel scan that media servers may trigger). M3U, lineup and guide bodies are cached
 * per lineup version, base URL and (bucketed) window. Throws {@link GuideConfigError} for a
 * bad device id, tuner count or option.
 */
export function createGuideRoutes(deps: GuideRoutesDeps, optionsInput?: GuideRoutesOptionsInput): GuideRoute[] {
  const options = resolveGuideRoutesOptions(optionsInput);
  if (!isValidHdHomeRunDeviceId(deps.deviceId)) throw new GuideConfigError("deviceId", "not a valid HDHomeRun device id");
  if (!(Number.isInteger(deps.tunerCount) && deps.tunerCount >= 1 && deps.tunerCount <= 1000)) {
    throw new GuideConfigError("tunerCount", "must be an integer 1..1000");
  }
  const cache = deps.cache ?? createRenderCache(options.cache);
  const tiles = deps.tiles ?? createXmltvTiles();
  // Guide documents being composed, and requests waiting for a turn: bounded so a flood
  // queues briefly or gets a 503 instead of piling up memory.
  let composing = 0;
  const waiting: Array<() => void> = [];
  const maxWaiting = options.maxConcurrentGuides * 4;
  const turn = async (): Promise<boolean> => {
    if (composing < options.maxConcurrentGuides) {
      composing += 1;
      return true;
    }
    if (waiting.length >= maxWaiting) return false;
    await new Promise<void>((resolve) => waiting.push(resolve));
    return true;
  };
  const done = (): void => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else composing -= 1;
  };
  const logger = deps.logger?.child({ component: "guide" });
  const device = (baseUrl: string) => ({ deviceId: deps.deviceId, tunerCount: deps.tunerCount, baseUrl, identity: options.identity });

  // Every handler goes through here: base URL first (a hostile Host gets a 400, not markup),
  // and any other failure becomes a logged 500 problem instead of a dropped connection.
  const handler =
    (answer: (req: IncomingMessage, res: ServerResponse, baseUrl: string) => Promise<void> | void) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      try {
        const baseUrl = baseUrlFromRequest(req, { trustForwardedHeaders: options.trustForwardedHeaders });
        await answer(req, res, baseUrl);
      } catch (error) {
        if (error instanceof BaseUrlError) {
          const detail = error.code === "invalid_forwarded_proto" ? "X-Forwarded-Proto must be http or https" : "the request's host is not a valid host[:port]";
          sendProblem(req, res, { code: "bad-request", reason: error.code, detail });
          return;
        }
        logger?.error({ err: error, url: req.url }, "guide route failed");
        if (res.headersSent) res.destroy();
        else sendProblem(req, res, { code: "internal", reason: "guide_render_failed", detail: "the guide could not be rendered" });
      }
    };

  const cached = async (req: IncomingMessage, res: ServerResponse, key: string, type: string, render: () => string) => {
    const entry = cache.getOrRender(key, render);
    await sendCachedBody(req, res, entry, type, { cache, key });
  };

  const playlist = handler((req, res, baseUrl) => {
    const lineup = deps.lineup();
    return cached(req, res, `m3u\0${lineup.version}\0${baseUrl}`, M3U, () => renderM3u({ channels: lineup.channels, baseUrl }));
  });

  const guide = handler(async (req, res, baseUrl) => {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const parsed = parseGuideWindow(query, deps.clock.now(), options.window);
    if (!parsed.ok) {
      sendProblem(req, res, { code: "bad-request", reason: "invalid_guide_window", detail: parsed.problem.detail, param: parsed.problem.param });
      return;
    }
    const { fromMs, toMs } = parsed.window;
    const lineup = deps.lineup();
    const key = `xmltv\0${lineup.version}\0${baseUrl}\0${fromMs}\0${toMs}`;
    const hit = cache.peek(key);
    if (hit !== undefined) return sendCachedBody(req, res, hit, XML, { cache, key });
    // A window not seen yet is composed from cached tiles, yielding between them: a
    // cache-busting query costs a copy of tiles, not a fresh render of days of guide.
    if (!(await turn())) {
      res.setHeader("Retry-After", "1");
      sendProblem(req, res, { code: "service-unavailable", reason: "guide_busy", detail: "too many guide requests at once; try again shortly" });
      return;
    }
    let entry;
    try {
      const body = await tiles.compose({ version: lineup.version, channels: lineup.channels, schedule: lineup.schedule, fromMs, toMs, baseUrl, generatorName: options.generatorName });
      entry = cache.put(key, body, etagOfKey(`${key}\0${options.generatorName}`));
    } finally {
      done();
    }
    return sendCachedBody(req, res, entry, XML, { cache, key });
  });

  const lineupJson = handler((req, res, baseUrl) => {
    const lineup = deps.lineup();
    return cached(req, res, `hdhr-lineup\0${lineup.version}\0${baseUrl}`, "application/json; charset=utf-8", () =>
      JSON.stringify(renderHdHomeRunLineup(lineup.channels, baseUrl)),
    );
  });

  const discover = handler((req, res, baseUrl) => sendJson(req, res, renderDiscover(device(baseUrl))));
  const lineupStatus = handler((req, res) => sendJson(req, res, hdHomeRunLineupStatus));
  const deviceXml = handler((req, res, baseUrl) => sendText(req, res, renderDeviceXml(device(baseUrl)), 'text/xml; charset="utf-8"'));
  const lineupPost = handler((req, res) => {
    // Channels come from the lineup, so a "scan" has nothing to do; answer as a finished one.
    req.resume();
    res.statusCode = 200;
    res.setHeader("Content-Length", 0);
    res.end();
  });

  return [
    { method: "GET", path: "/playlist.m3u", handle: playlist },
    { method: "GET", path: "/guide.xml", handle: guide },
    { method: "GET", path: "/discover.json", handle: discover },
    { method: "GET", path: "/lineup.json", handle: lineupJson },
    { method: "GET", path: "/lineup_status.json", handle: lineupStatus },
    { method: "GET", path: "/device.xml", handle: deviceXml },
    { method: "POST", path: "/lineup.post", handle: lineupPost },
  ];
}
