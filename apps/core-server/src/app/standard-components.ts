import { createDirectorComponent, type DirectorComponent } from "../director/director-component.js";
import { createEngineHost, type EngineHost } from "../engine/engine-host.js";
import { createDiscoveryComponent, type DiscoveryComponent } from "../guide/hdhomerun-discovery-component.js";
import type { Route } from "../http/route.js";
import { createAdminRoutes } from "../routes/admin-routes.js";
import { createAdminRuntimeRoutes } from "../routes/admin-runtime-routes.js";
import { startEventLoopMonitor, type EventLoopMonitor } from "./event-loop-monitor.js";
import { createChannelRoutes } from "../routes/channel-routes.js";
import { createLogoRoutes } from "../routes/logo-routes.js";
import { mountGuide } from "../routes/guide-mount.js";
import { createSessionRoutes } from "../routes/session-routes.js";
import { HlsService } from "../hls/hls-service.js";
import { createHlsRoutes } from "../routes/hls-routes.js";
import { createWebRoutes } from "../routes/web-routes.js";
import { createGovernanceComponent, type GovernanceComponent } from "../sessions/governance-component.js";
import type { StreamDeps } from "../streaming/serve-channel-stream.js";
import { createCreationRateLimiter } from "../sessions/creation-rate-limiter.js";
import type { ServerComponent } from "./server-component.js";
import type { ServerContext } from "./server-context.js";

/** The standard components, by role, and in start order (`list`). */
export interface StandardComponents {
  readonly engineHost: EngineHost;
  readonly sessions: GovernanceComponent;
  readonly director: DirectorComponent;
  /** Channel, session, admin and guide routes. */
  readonly api: ServerComponent;
  /** HDHomeRun discovery on UDP (does nothing when config.discovery is off). */
  readonly discovery: DiscoveryComponent;
  /** Start order: engine, sessions, director, api, discovery (closed in reverse: the director's teardowns still reach the engine). */
  readonly list: readonly ServerComponent[];
}

/**
 * Builds the standard server: the engine host (embedded fake, connect or spawn), session
 * governance, the ProgramDirector driving the engine, and the routes users and operators
 * use. Nothing starts until the server listens.
 */
export function buildStandardComponents(context: ServerContext): StandardComponents {
  const { config, lineup, clock, metrics } = context;
  const engineHost = createEngineHost(context);
  const sessions = createGovernanceComponent(context);
  const director = createDirectorComponent(context, engineHost.engine);
  const directorOf = () => director.director;
  const governanceOf = () => sessions.governance;
  const stream: StreamDeps = { director: directorOf, schedule: lineup.schedule, metrics };
  const guide = mountGuide({
    lineup,
    clock,
    dataDir: config.dataDir,
    tunerCount: config.limits.maxTuners,
    logger: context.logger,
  });
  const hls = new HlsService(
    { director: directorOf, clock, logger: context.logger.child({ component: "hls" }) },
    { segmenter: { targetDurationS: config.hls.targetDurationS, windowSegments: config.hls.windowSegments }, viewerIdleMs: config.hls.viewerIdleMs },
  );
  const routes: Route[] = [
    ...createChannelRoutes({ director: directorOf, schedule: lineup.schedule, clock, stream, sessionlessStreaming: config.sessionlessStreaming }),
    ...createSessionRoutes({
      governance: governanceOf,
      metrics,
      stream,
      admission: { trustedProxies: config.sessions.trustedProxies, rate: createCreationRateLimiter({ perMinute: config.sessions.createPerMinute }), now: () => clock.now() },
    }),
    ...createAdminRoutes({ adminToken: context.adminToken, director: directorOf, governance: governanceOf, schedule: lineup.schedule, clock }),
    ...guide.routes,
    ...createLogoRoutes({ channels: lineup.lineup.channels, mediaRoot: lineup.mediaRoot }),
    ...createAdminRuntimeRoutes({ adminToken: context.adminToken, loop: () => loop, governance: governanceOf }),
    ...createHlsRoutes({ hls, governance: governanceOf, schedule: lineup.schedule, metrics, sessionlessStreaming: config.sessionlessStreaming }),
    ...createWebRoutes({ schedule: lineup.schedule, clock, director: directorOf, hls }),
  ];
  let loop: EventLoopMonitor | undefined;
  const api: ServerComponent = {
    name: "api",
    routes,
    async start() {
      guide.start();
      loop = startEventLoopMonitor();
    },
    async close() {
      loop?.stop();
      hls.close();
    },
  };
  const discovery = createDiscoveryComponent(context);
  return { engineHost, sessions, director, api, discovery, list: [engineHost, sessions, director, api, discovery] };
}
