import { setImmediate as yieldToLoop } from "node:timers/promises";
import { openSessionGovernance, type SessionGovernance, type StoreHealth } from "@retrovue/session-governance";
import type { ServerComponent } from "../app/server-component.js";
import type { ServerContext } from "../app/server-context.js";
import { governancePolicyFromConfig } from "./governance-policy.js";
import { feedSessionMetrics } from "./session-metrics.js";

/** Session governance (SQLite at `config.databasePath`) as a server component. */
export interface GovernanceComponent extends ServerComponent {
  /**
   * The open governance, once started.
   * @throws Error before `start()` or after `close()`.
   */
  readonly governance: SessionGovernance;
  /** Runs one whole sweep now, in batches that yield to the event loop (tests, operators). */
  sweepNow(): Promise<number>;
  /** Runs one whole retention purge now, in batches that yield. */
  purgeNow(): Promise<{ sessions: number; events: number }>;
}

/** Sessions terminated (or rows purged) per batch: a few ms of synchronous work each. */
const SWEEP_BATCH = 8;
const PURGE_BATCH = 200;
/** How often the store's file is checked (deleted, replaced, read-only, disk full). */
const WATCH_INTERVAL_MS = 1_000;
/** How often expired tombstones are purged. */
const PURGE_INTERVAL_MS = 3_600_000;
const FIRST_PURGE_DELAY_MS = 30_000;

/**
 * Opens session governance on `<dataDir>/sessions.db` with the server clock and the
 * config's session policy, feeds the session metrics, and keeps the store tidy without
 * stalling the serving loop: the sweep of expired sessions nobody touches and the purge of
 * old tombstones (retention) run in small batches that yield between them. Watches the
 * store's file every second: a deleted, replaced, read-only or full store turns `/readyz`
 * not ready and writes 503, with an ERROR log; a deleted or replaced file is rewritten from
 * the open connection so a restart loses no acknowledged termination.
 *
 * Durability: terminations and creations commit with synchronous=FULL (a termination a
 * client or operator was told about survives a power cut, GOVERNANCE.md guarantee 2);
 * activity of short operations is batched without an fsync (at most ~1 s lost on a crash).
 * Sessions are NOT terminated at shutdown: they outlive a restart, only their streams end.
 */
export function createGovernanceComponent(context: ServerContext): GovernanceComponent {
  const { config, clock } = context;
  const log = context.logger.child({ component: "sessions" });
  let governance: SessionGovernance | undefined;
  let stopMetrics: (() => void) | undefined;
  const timers = new Set<ReturnType<typeof clock.setTimeout>>();
  let closed = false;
  let health: StoreHealth = { ok: true };
  let preserving: Promise<void> | undefined;

  function every(intervalMs: number, job: () => unknown, firstDelayMs = intervalMs): void {
    if (intervalMs <= 0 || closed) return;
    const timer = clock.setTimeout(async () => {
      timers.delete(timer);
      try {
        await job();
      } catch (error) {
        log.error({ err: error }, "session housekeeping failed; it runs again later");
      }
      every(intervalMs, job);
    }, firstDelayMs);
    timers.add(timer);
  }

  async function sweepNow(): Promise<number> {
    let total = 0;
    for (;;) {
      if (closed || governance === undefined || !health.ok) return total;
      const result = governance.governor.sweep(undefined, { maxSessions: SWEEP_BATCH });
      total += result.terminated.length;
      if (!result.more) break;
      await yieldToLoop();
    }
    if (total > 0) log.info({ terminated: total }, "sweep terminated expired sessions");
    return total;
  }

  async function purgeNow(): Promise<{ sessions: number; events: number }> {
    const purged = { sessions: 0, events: 0 };
    for (;;) {
      if (closed || governance === undefined || !health.ok) return purged;
      const batch = governance.retention.purgeBatch(PURGE_BATCH);
      purged.sessions += batch.sessions;
      purged.events += batch.events;
      if (!batch.more) break;
      await yieldToLoop();
    }
    if (purged.sessions + purged.events > 0) log.info(purged, "purged tombstones and audit rows past their retention");
    return purged;
  }

  function watch(): void {
    if (governance === undefined) return;
    const now = governance.store.health();
    if (!now.ok && health.ok) {
      log.error({ problem: now.problem, path: config.databasePath }, `${now.detail}; the server is not ready and session writes answer 503`);
    } else if (now.ok && !health.ok) {
      log.info({ path: config.databasePath }, "the session store is writable again");
    }
    health = now;
    if (!now.ok && (now.problem === "gone" || now.problem === "replaced") && preserving === undefined) {
      const store = governance.store;
      preserving = store
        .preserveLostFile()
        .then((written) => {
          if (written !== undefined) {
            log.error({ path: written }, `every acknowledged session write was saved to ${written}; restart the server to resume`);
          }
        })
        .catch((error: unknown) => log.error({ err: error }, "the lost session database could not be saved; acknowledged terminations may be lost at restart"));
    }
  }

  return {
    name: "sessions",
    get governance(): SessionGovernance {
      if (governance === undefined) throw new Error("session governance is not open");
      return governance;
    },
    sweepNow,
    purgeNow,
    readiness: {
      name: "sessions",
      check: () => {
        if (governance === undefined) return { ok: false, detail: "not open" };
        watch();
        return health.ok ? { ok: true, detail: config.databasePath } : { ok: false, detail: `${health.problem}: ${health.detail}` };
      },
    },
    async start() {
      governance = openSessionGovernance({
        path: config.databasePath,
        clock,
        policy: governancePolicyFromConfig(config.limits, config.sessions),
        logger: log,
        synchronous: "full",
        retention: { sessionRetentionMs: config.sessions.sessionRetentionMs, auditRetentionMs: config.sessions.auditRetentionMs },
      });
      stopMetrics = feedSessionMetrics(governance, context.metrics);
      every(config.limits.sessionSweepIntervalMs, sweepNow);
      // The first purge soon after start (a server restarted daily still purges), then hourly.
      every(PURGE_INTERVAL_MS, purgeNow, FIRST_PURGE_DELAY_MS);
      every(WATCH_INTERVAL_MS, watch);
      log.info({ path: config.databasePath }, "session store open");
    },
    async close() {
      closed = true;
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      await preserving;
      stopMetrics?.();
      // Ends any still-running governed stream ({ kind: "closed" }), clears the governor's timers, writes pending activity, closes the DB.
      governance?.close();
      governance = undefined;
    },
  };
}
