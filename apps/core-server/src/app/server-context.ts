import type { Clock } from "@retrovue/core-runtime";
import type { Logger } from "pino";
import type { ServerLineup } from "../config/load-server-lineup.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ListenAddress } from "../http/http-server.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";

/** Shared services every component is built with. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  readonly clock: Clock;
  /** The validated lineup and its schedule (loaded once, when the server is created). */
  readonly lineup: ServerLineup;
  /** The operator token in force; undefined until the server has resolved it (at listen). */
  readonly adminToken: () => string | undefined;
  /** Where the HTTP server listens; undefined until it does (and in contexts without one). */
  readonly listenAddress?: () => ListenAddress | undefined;
}
