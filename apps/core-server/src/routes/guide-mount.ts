import type { Clock, Logger } from "@retrovue/core-runtime";
import type { ServerLineup } from "../config/load-server-lineup.js";
import { createGuideRoutes, type GuideRoute } from "../guide/guide-routes.js";
import { publishedLogo } from "../guide/channel-logo.js";
import { loadOrCreateDeviceId } from "../guide/device-id-store.js";
import { handled } from "../http/reply.js";
import { route, type Route } from "../http/route.js";

/** The guide module's routes (its README), mounted before the data dir exists. */
export const GUIDE_ROUTE_TABLE: readonly { readonly method: "GET" | "POST"; readonly path: string }[] = [
  { method: "GET", path: "/playlist.m3u" },
  { method: "GET", path: "/guide.xml" },
  { method: "GET", path: "/discover.json" },
  { method: "GET", path: "/lineup.json" },
  { method: "GET", path: "/lineup_status.json" },
  { method: "GET", path: "/device.xml" },
  { method: "POST", path: "/lineup.post" },
];

/** What the mounted guide needs. */
export interface GuideMountDeps {
  readonly lineup: ServerLineup;
  readonly clock: Pick<Clock, "now">;
  readonly dataDir: string;
  /** Published as HDHomeRun TunerCount: the tuner budget. */
  readonly tunerCount: number;
  readonly logger?: Logger;
}

/** Server routes for the guide module, and the `start` that builds it (the device id lives in the data dir). */
export interface GuideMount {
  readonly routes: readonly Route[];
  /**
   * Loads (or creates) the HDHomeRun device id and builds the guide's handlers.
   * @throws DeviceIdStoreError, GuideConfigError; Error if the guide's routes differ from {@link GUIDE_ROUTE_TABLE}.
   */
  start(): void;
}

/**
 * Mounts `createGuideRoutes` (M3U, XMLTV, HDHomeRun) on the server's router. The routes
 * exist from construction; their handlers are built at `start`, once the data dir (and
 * so the stable device id) is there. The router answers HEAD through GET.
 */
export function mountGuide(deps: GuideMountDeps): GuideMount {
  let handlers: Map<string, GuideRoute> | undefined;
  const key = (method: string, path: string) => `${method} ${path}`;
  return {
    routes: GUIDE_ROUTE_TABLE.map((entry) =>
      route(entry.method, entry.path, async (ctx) => {
        const handler = handlers?.get(key(entry.method, entry.path));
        if (handler === undefined) throw new Error("the guide is not started");
        await handler.handle(ctx.req, ctx.res);
        return handled();
      }),
    ),
    start() {
      const routes = createGuideRoutes({
        lineup: () => ({
          version: deps.lineup.version,
          channels: deps.lineup.lineup.channels.map((c) => {
            const logo = publishedLogo(c.number, c.logo);
            return {
              number: c.number,
              name: c.name,
              ...(c.group !== undefined ? { group: c.group } : {}),
              ...(logo !== undefined ? { logo } : {}),
            };
          }),
          schedule: deps.lineup.schedule,
        }),
        clock: deps.clock,
        deviceId: loadOrCreateDeviceId(deps.dataDir),
        tunerCount: deps.tunerCount,
        ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
      });
      const built = new Map(routes.map((r) => [key(r.method, r.path), r]));
      const expected = GUIDE_ROUTE_TABLE.map((e) => key(e.method, e.path));
      if (built.size !== expected.length || expected.some((k) => !built.has(k))) {
        throw new Error(`guide routes changed: mounted ${expected.join(", ")}; the guide has ${[...built.keys()].join(", ")}`);
      }
      handlers = built;
    },
  };
}
