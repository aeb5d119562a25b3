import { mkdirSync, statSync } from "node:fs";
import type { Logger } from "pino";
import { systemClock, type Clock } from "@retrovue/core-runtime";
import { ConfigError } from "../config/config-error.js";
import { AdminTokenFileError, resolveAdminToken, type ResolvedAdminToken } from "../config/admin-token.js";
import { loadServerLineup, type ServerLineup } from "../config/load-server-lineup.js";
import type { ServerConfig } from "../config/server-config.js";
import { ERROR_TABLE, type ProblemMapping } from "../http/error-to-problem.js";
import { createHttpServer, type ListenAddress } from "../http/http-server.js";
import type { Route } from "../http/route.js";
import { buildStandardComponents } from "./standard-components.js";
import { createRouter } from "../http/router.js";
import { createLogger } from "../logging/create-logger.js";
import { createServerMetrics, type ServerMetrics } from "../metrics/server-metrics.js";
import { createHealthRoutes } from "../routes/health-routes.js";
import { createMetricsRoutes } from "../routes/metrics-routes.js";
import type { ReadinessCheck } from "./readiness.js";
import type { ServerContext } from "./server-context.js";
import type { ServerComponent } from "./server-component.js";
import { SERVER_VERSION } from "./server-version.js";
import { StartupError } from "./startup-error.js";

/** Optional collaborators of {@link createCoreServer}; each defaults to the production one. */
export interface CoreServerDeps {
  /** Default: pino at `config.logLevel` (pretty on a TTY). */
  readonly logger?: Logger;
  /** Default: a new registry with every server metric. */
  readonly metrics?: ServerMetrics;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: `loadServerLineup(config.lineupPath)` with the config's media check. */
  readonly lineup?: ServerLineup;
  /**
   * Builds the server's components from the shared context, in start order (the default
   * builds the standard set for `config`). Tests and later phases pass their own.
   */
  readonly components?: (context: ServerContext) => readonly ServerComponent[];
  /** Rows added in front of the default error → problem table. */
  readonly errorMappings?: readonly ProblemMapping[];
}

/** A configured server: {@link CoreServer.listen} starts it, {@link CoreServer.close} ends it. */
export interface CoreServer {
  /**
   * Prepares the data dir and admin token, starts every component in order, then
   * listens. On failure, whatever started is closed again before the error is thrown.
   * @throws ConfigError (data dir unusable), StartupError (a component), ListenError (port).
   */
  listen(): Promise<ListenAddress>;
  /**
   * Graceful shutdown (LIFECYCLE.md): stop admitting (new requests get 503, streams are
   * told to end), close components in reverse order, then close HTTP, letting responses
   * finish; anything still open after `config.shutdownTimeoutMs` is forced. Idempotent.
   */
  close(): Promise<void>;
  /** Alias of {@link CoreServer.close} for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
  /** Where it listens, once listening. */
  readonly address: ListenAddress | undefined;
  /** The operator token in force, once listening (`source: "generated"` → show it once). */
  readonly adminToken: ResolvedAdminToken | undefined;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** The lineup being played. */
  readonly lineup: ServerLineup;
  /** Open HTTP connections (0 after close). */
  readonly openConnections: number;
  /** The route table as mounted (health, metrics, then each component's), for listings and tests. */
  readonly routes: readonly Route[];
  /** The components, in start order. */
  readonly components: readonly ServerComponent[];
}

/**
 * The standard components for a config, in start order: engine host, session
 * governance, ProgramDirector, and the API routes (see {@link buildStandardComponents}).
 */
export function createStandardComponents(context: ServerContext): ServerComponent[] {
  return [...buildStandardComponents(context).list];
}

/**
 * Composes the server from a validated config: logger, metrics, the lineup (read and
 * checked now), components, routes (health, metrics, then each component's), and the
 * HTTP layer. Nothing starts until {@link CoreServer.listen}.
 * @throws ConfigError for an invalid lineup or missing media; Error if two routes collide
 *   (a programming error).
 */
export function createCoreServer(config: ServerConfig, deps: CoreServerDeps = {}): CoreServer {
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const metrics = deps.metrics ?? createServerMetrics();
  const clock = deps.clock ?? systemClock;
  const lineup =
    deps.lineup ?? loadServerLineup(config.lineupPath, { mediaCheck: config.lineupMediaCheck, warn: (message) => logger.warn({ lineup: config.lineupPath }, message) });
  let adminToken: ResolvedAdminToken | undefined;
  const context: ServerContext = {
    config,
    logger,
    metrics,
    clock,
    lineup,
    adminToken: () => adminToken?.token,
    // `http` is created below; this runs only once the server listens.
    listenAddress: () => http.address,
  };
  const components = (deps.components ?? createStandardComponents)(context);

  let startedAtMs: number | undefined;
  const started: ServerComponent[] = [];
  const readinessChecks: ReadinessCheck[] = [
    { name: "http", check: () => (http.shuttingDown ? { ok: false, detail: "shutting down" } : startedAtMs === undefined ? { ok: false, detail: "starting" } : { ok: true }) },
    ...components.flatMap((c) => (c.readiness === undefined ? [] : [c.readiness])),
  ];

  const routes: Route[] = [
    ...createHealthRoutes({
      readinessChecks: () => readinessChecks,
      startedAtMs: () => startedAtMs,
      now: () => clock.now(),
      checkTimeoutMs: 2_000,
      version: SERVER_VERSION,
    }),
    ...createMetricsRoutes(metrics),
    ...components.flatMap((c) => c.routes ?? []),
  ];
  const http = createHttpServer({
    host: config.host,
    port: config.port,
    limits: config.http,
    logger: logger.child({ component: "http" }),
    router: createRouter(routes),
    errorTable: [...(deps.errorMappings ?? []), ...ERROR_TABLE],
    onRequestDone: (info) => metrics.httpRequests.inc({ route: info.route, method: info.method, status: String(info.status) }),
  });

  let listenPromise: Promise<ListenAddress> | undefined;
  let closePromise: Promise<void> | undefined;

  async function closeComponents(list: readonly ServerComponent[]): Promise<void> {
    for (const component of [...list].reverse()) {
      try {
        await component.close();
        logger.debug({ component: component.name }, "component closed");
      } catch (error) {
        logger.error({ component: component.name, err: error }, "component failed to close");
      }
    }
  }

  async function start(): Promise<ListenAddress> {
    try {
      // Private: the session database (token hashes, owners, client addresses), engine logs, the admin token.
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      mkdirSync(config.logDir, { recursive: true, mode: 0o700 });
      const dirMode = statSync(config.dataDir).mode & 0o777;
      if ((dirMode & 0o077) !== 0) {
        // The user's own directory: not changed behind their back; the files in it are 0600 anyway.
        logger.warn({ dataDir: config.dataDir, mode: `0${dirMode.toString(8)}` }, `the data dir is open to other users; run "chmod 700 ${config.dataDir}" to keep it private`);
      }
      adminToken = resolveAdminToken(config.dataDir, config.adminToken);
    } catch (error) {
      if (error instanceof AdminTokenFileError) {
        throw new ConfigError([{ option: "--admin-token / RETROVUE_ADMIN_TOKEN", message: error.message }]);
      }
      throw new ConfigError([
        { option: "--data-dir / RETROVUE_DATA_DIR", message: `cannot use ${config.dataDir}: ${(error as Error).message}` },
      ]);
    }
    for (const component of components) {
      const t0 = clock.now();
      try {
        // Registered before start: a component whose start failed half-way still gets close().
        started.push(component);
        await component.start?.();
      } catch (error) {
        await closeComponents(started);
        throw new StartupError(component.name, { cause: error });
      }
      logger.debug({ component: component.name, durationMs: clock.now() - t0 }, "component started");
    }
    try {
      const address = await http.listen();
      startedAtMs = clock.now();
      logger.info(
        {
          url: address.url,
          airMode: config.air.mode,
          lineup: lineup.filePath,
          channels: lineup.lineup.channels.map((c) => c.number),
          dataDir: config.dataDir,
          version: SERVER_VERSION,
        },
        "RetroVue Core listening",
      );
      return address;
    } catch (error) {
      await closeComponents(started);
      throw error;
    }
  }

  async function shutdown(): Promise<void> {
    const t0 = clock.now();
    logger.info({ components: started.map((c) => c.name) }, "shutting down");
    http.beginShutdown();
    for (const component of started) component.beginShutdown?.();
    // The components' close is bounded: a hung engine or director must not keep the process alive.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([closeComponents(started).then(() => "done" as const), bound]);
    clearTimeout(timer);
    if (outcome === "timeout") logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "components did not close in time; forcing");
    const remainingMs = Math.max(500, config.shutdownTimeoutMs - (clock.now() - t0));
    await http.close(outcome === "timeout" ? 0 : remainingMs);
    logger.info({ durationMs: clock.now() - t0 }, "shutdown complete");
  }

  const server: CoreServer = {
    config,
    logger,
    metrics,
    lineup,
    get address() {
      return http.address;
    },
    get adminToken() {
      return adminToken;
    },
    get openConnections() {
      return http.openConnections;
    },
    routes,
    components,
    listen() {
      if (closePromise !== undefined) return Promise.reject(new Error("CoreServer: listen() after close()"));
      listenPromise ??= start();
      return listenPromise;
    },
    close() {
      closePromise ??= (async () => {
        // A close during start waits for it, so nothing it starts is left behind.
        if (listenPromise !== undefined) await listenPromise.catch(() => undefined);
        await shutdown();
      })();
      return closePromise;
    },
    [Symbol.asyncDispose]() {
      return server.close();
    },
  };
  return server;
}
