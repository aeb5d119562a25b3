/**
 * @retrovue/core-server — the RetroVue Core server: HTTP API, metrics, logs, engine
 * hosting and graceful shutdown. `main.ts` is the command-line entry; this module is the
 * composition API for embedding and tests.
 */
export type { CoreServer, CoreServerDeps } from "./app/create-core-server.js";
export type { ServerContext } from "./app/server-context.js";
export { createCoreServer, createStandardComponents } from "./app/create-core-server.js";
export type { ServerComponent } from "./app/server-component.js";
export type { StandardComponents } from "./app/standard-components.js";
export { buildStandardComponents } from "./app/standard-components.js";
export type { DirectorComponent } from "./director/director-component.js";
export { createDirectorComponent } from "./director/director-component.js";
export type { RuntimeDir } from "./director/runtime-dir.js";
export { MAX_SOCKET_PATH_BYTES, prepareRuntimeDir } from "./director/runtime-dir.js";
export type { GovernanceComponent } from "./sessions/governance-component.js";
export { createGovernanceComponent } from "./sessions/governance-component.js";
export { governancePolicyFromConfig } from "./sessions/governance-policy.js";

export type { StreamDeps } from "./streaming/serve-channel-stream.js";
export { STREAM_HEADERS, channelNumberOf, serveChannelStream } from "./streaming/serve-channel-stream.js";
export { countingSink } from "./streaming/counting-sink.js";
export type { ChannelRoutesDeps } from "./routes/channel-routes.js";
export { createChannelRoutes } from "./routes/channel-routes.js";
export type { ChannelState } from "./routes/channel-view.js";
export { channelStateOf } from "./routes/channel-view.js";
export type { SessionRoutesDeps } from "./routes/session-routes.js";
export { SESSION_SCOPED_PREFIX, createSessionRoutes } from "./routes/session-routes.js";
export type { SessionOperation } from "./routes/session-gate.js";
export { authenticateSession, gateSessionRequest, refusalProblem } from "./routes/session-gate.js";
export type { AdminRoutesDeps } from "./routes/admin-routes.js";
export { createAdminRoutes } from "./routes/admin-routes.js";
export type { GuideMount, GuideMountDeps } from "./routes/guide-mount.js";
export { GUIDE_ROUTE_TABLE, mountGuide } from "./routes/guide-mount.js";
export type { ReadinessCheck, ReadinessReport, ReadinessResult } from "./app/readiness.js";
export { evaluateReadiness } from "./app/readiness.js";
export { StartupError } from "./app/startup-error.js";
export { SERVER_VERSION } from "./app/server-version.js";

export type {
  AirConfig,
  AirMode,
  ConcurrencyPolicy,
  EmbeddedAirForm,
  HttpConfig,
  LimitsConfig,
  LogLevel,
  ServerConfig,
} from "./config/server-config.js";
export type { ConfigInput, ParsedCommandLine } from "./config/parse-config.js";
export { parseCommandLine, parseConfig } from "./config/parse-config.js";
export type { ConfigProblem } from "./config/config-error.js";
export { ConfigError } from "./config/config-error.js";
export { configUsage } from "./config/config-options.js";
export type { AdminTokenSource, ResolvedAdminToken } from "./config/admin-token.js";
export { ADMIN_TOKEN_FILE, AdminTokenFileError, resolveAdminToken } from "./config/admin-token.js";
export { fakeAirCliPath, sampleLineupPath } from "./config/default-paths.js";
export type { ServerLineup } from "./config/load-server-lineup.js";
export type { LoadServerLineupOptions } from "./config/load-server-lineup.js";
export type { LineupMediaCheckOptions, LineupMediaCheckResult, MediaCheckItem, MediaCheckProblem } from "./config/lineup-media-check.js";
export { checkLineupMedia } from "./config/lineup-media-check.js";
export { loadServerLineup } from "./config/load-server-lineup.js";

export type { HttpMethod, RequestContext, Route, RouteHandler, RouteOptions, RouteParams } from "./http/route.js";
export { route } from "./http/route.js";
export type { Router, RouteMatch } from "./http/router.js";
export { createRouter } from "./http/router.js";
export type { Reply } from "./http/reply.js";
export { handled, json, noContent, text } from "./http/reply.js";
export type { HttpProblemOptions, JsonValue, ProblemCode } from "./http/http-problem.js";
export { HttpProblem, PROBLEM_CATALOGUE, PROBLEM_CONTENT_TYPE, problemType } from "./http/http-problem.js";
export type { ProblemMapping } from "./http/error-to-problem.js";
export { ERROR_TABLE, toHttpProblem } from "./http/error-to-problem.js";
export type { HttpServer, HttpServerOptions, ListenAddress, RequestDoneInfo } from "./http/http-server.js";
export { ListenError, createHttpServer } from "./http/http-server.js";

export type { LoggerOptions } from "./logging/create-logger.js";
export { createLogger } from "./logging/create-logger.js";
export type { ServerMetrics, ServerMetricsOptions } from "./metrics/server-metrics.js";
export { createServerMetrics } from "./metrics/server-metrics.js";
export { createLifecycleMetrics } from "./metrics/lifecycle-metrics.js";

export type { TsElementaryStream, TsProbe } from "./media/ts-probe.js";
export { probeTransportStream } from "./media/ts-probe.js";
export type { CaptureStreamOptions, StreamCapture } from "./media/capture-stream.js";
export { captureStream } from "./media/capture-stream.js";

export type { EngineHost } from "./engine/engine-host.js";
export { airClientOptions, createEngineHost, embeddedFakeCommand } from "./engine/engine-host.js";
export type { AirPlayoutEngineDeps } from "./engine/air-playout-engine.js";
export { createAirPlayoutEngine } from "./engine/air-playout-engine.js";
export type { ChannelEngineStatus, EngineRouting } from "./engine/engine-routing.js";
export { createSharedEngineRouting } from "./engine/engine-routing.js";
export type { SpawnedEngineRouting, SpawnedEngineRoutingOptions } from "./engine/spawned-engine-routing.js";
export type { EnginePoolOptions, EnginePoolStatus, PoolMember, PoolStart } from "./engine/engine-pool.js";
export { DEFAULT_POOL_BACKOFF_MS, EnginePool, POOL_STABLE_MS } from "./engine/engine-pool.js";
export type { EngineLauncherOptions, LaunchOptions, LaunchResult } from "./engine/engine-launcher.js";
export { EngineLauncher, LaunchedEngine } from "./engine/engine-launcher.js";
export { EngineLog, HELD_OUTPUT_BYTES } from "./engine/engine-log.js";
export { createSpawnedEngineRouting, describeExit } from "./engine/spawned-engine-routing.js";
export type { EngineCommand, EngineExit, EngineProcess, SpawnEngineOptions } from "./engine/engine-process.js";
export { spawnEngineProcess } from "./engine/engine-process.js";
export { engineErrorKind, toEngineFailure, toEngineOutcome } from "./engine/engine-outcome.js";
export { findFreePort } from "./engine/free-port.js";

// HLS output and the web app (issue 15)
export type { HlsConfig } from "./config/server-config.js";
export type { HlsSegment, HlsSegmenterOptions, HlsSegmenterStats } from "./hls/hls-segmenter.js";
export { DEFAULT_HLS_SEGMENTER_OPTIONS, HlsSegmenter, resolveHlsSegmenterOptions } from "./hls/hls-segmenter.js";
export { HLS_PLAYLIST_CONTENT_TYPE, renderMediaPlaylist } from "./hls/hls-playlist.js";
export type { HlsChannelSnapshot, HlsServiceDeps, HlsServiceOptions } from "./hls/hls-service.js";
export { HlsNotReadyError, HlsService } from "./hls/hls-service.js";
export type { HlsRoutesDeps } from "./routes/hls-routes.js";
export { createHlsRoutes } from "./routes/hls-routes.js";
export type { WebRoutesDeps } from "./routes/web-routes.js";
export { createWebRoutes } from "./routes/web-routes.js";
export type { StaticFile, StaticFiles } from "./web/static-files.js";
export { createStaticFiles, defaultWebRoot } from "./web/static-files.js";
