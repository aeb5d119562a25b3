import type { Clock } from "./clock.js";
import { silentLogger, type Logger } from "./logger.js";
import { resolveGovernancePolicy, type GovernancePolicy, type GovernancePolicyOptions } from "./policy.js";
import { SessionGovernor } from "./session-governor.js";
import { SessionService } from "./session-service.js";
import { SessionStore } from "./session-store.js";
import { SessionTerminationService } from "./session-termination-service.js";
import { SessionRetention, type RetentionPolicy } from "./session-retention.js";

/** Options of {@link openSessionGovernance}. */
export interface SessionGovernanceOptions {
  /** SQLite file (created if missing, WAL). `:memory:` only for pure unit tests. */
  readonly path: string;
  /** The only source of time (core-runtime's clock fits). */
  readonly clock: Clock;
  /** Limits and defaults; validated here, so bad configuration fails at start. */
  readonly policy?: GovernancePolicyOptions;
  /** Default: silent. */
  readonly logger?: Logger;
  /** See {@link SessionStoreOptions}. Default 5 000 ms. */
  readonly busyTimeoutMs?: number;
  /** See {@link SessionStoreOptions}. Default `full`. */
  readonly synchronous?: "full" | "normal";
  /** See {@link SessionGovernorOptions}. Default 30 000 ms; `null` = no automatic rechecks. */
  readonly recheckIntervalMs?: number | null;
  /** See {@link SessionGovernorOptions}. Default 1 000 ms. */
  readonly activityFlushMs?: number;
  /** See {@link SessionStoreOptions}. Default 1 MiB. */
  readonly minFreeBytes?: number;
  /** How long tombstones and audit rows are kept. Default 30 days each. */
  readonly retention?: Partial<RetentionPolicy>;
}

/** Everything session-governance offers, over one store. Close it when done. */
export interface SessionGovernance {
  readonly policy: GovernancePolicy;
  /** The gate: `admit`, `stillAllowed`, `run`, `sweep`. */
  readonly governor: SessionGovernor;
  /** `terminate` and `onTerminated` hooks. */
  readonly termination: SessionTerminationService;
  /** create, get, heartbeat, extend, list, events, feed, verifyToken. */
  readonly sessions: SessionService;
  /** Purges expired tombstones and audit rows in batches. */
  readonly retention: SessionRetention;
  /** @private The underlying connection. */
  readonly store: SessionStore;
  /** Ends running operations (`{ kind: "closed" }`), clears timers, closes the DB. Idempotent. */
  close(): void;
}

/**
 * Opens (creating and migrating) the store at `options.path` and wires the services.
 * @throws InvalidPolicyError for bad policy; StoreVersionError for a file from a newer release.
 */
export function openSessionGovernance(options: SessionGovernanceOptions): SessionGovernance {
  const policy = resolveGovernancePolicy(options.policy);
  const logger = (options.logger ?? silentLogger).child({ component: "session-governance" });
  const store = SessionStore.open({
    path: options.path,
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
    ...(options.minFreeBytes !== undefined ? { minFreeBytes: options.minFreeBytes } : {}),
  });
  if (store.tightenedFiles.length > 0) logger.warn({ files: store.tightenedFiles }, "session database files were readable by others; their mode is now 0600");
  try {
    const termination = new SessionTerminationService(store, options.clock, logger);
    const governor = new SessionGovernor(store, termination, {
      clock: options.clock,
      policy,
      logger,
      ...(options.recheckIntervalMs !== undefined ? { recheckIntervalMs: options.recheckIntervalMs } : {}),
      ...(options.activityFlushMs !== undefined ? { activityFlushMs: options.activityFlushMs } : {}),
    });
    const sessions = new SessionService(store, governor, policy, options.clock);
    const retention = new SessionRetention(store, options.clock, options.retention);
    return {
      policy,
      governor,
      termination,
      sessions,
      retention,
      store,
      close() {
        governor.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
