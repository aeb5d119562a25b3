import { openSessionGovernance, type SessionGovernance } from "@retrovue/session-governance";
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
}

/**
 * Opens session governance on `<dataDir>/sessions.db` with the server clock and the
 * config's session policy, feeds the session metrics, and (unless the interval is 0)
 * sweeps expired sessions nobody touches on a clock timer. Synchronous mode `full`: a
 * termination an operator was told about must survive a power cut too (GOVERNANCE.md
 * guarantee 3); at a few writes per viewer per minute the fsync costs nothing that
 * matters (see README). Sessions are NOT terminated at shutdown: they outlive a restart
 * (guarantee 2), only their streams end.
 */
export function createGovernanceComponent(context: ServerContext): GovernanceComponent {
  const { config, clock } = context;
  const log = context.logger.child({ component: "sessions" });
  let governance: SessionGovernance | undefined;
  let stopMetrics: (() => void) | undefined;
  let sweepTimer: ReturnType<typeof clock.setTimeout> | undefined;
  let closed = false;

  function scheduleSweep(): void {
    const every = config.limits.sessionSweepIntervalMs;
    if (every === 0 || closed) return;
    sweepTimer = clock.setTimeout(() => {
      sweepTimer = undefined;
      try {
        const result = governance?.governor.sweep();
        if (result !== undefined && result.terminated.length > 0) log.info({ terminated: result.terminated.length }, "sweep terminated expired sessions");
      } catch (error) {
        log.error({ err: error }, "session sweep failed");
      }
      scheduleSweep();
    }, every);
  }

  return {
    name: "sessions",
    get governance(): SessionGovernance {
      if (governance === undefined) throw new Error("session governance is not open");
      return governance;
    },
    readiness: {
      name: "sessions",
      check: () => (governance === undefined ? { ok: false, detail: "not open" } : { ok: true, detail: config.databasePath }),
    },
    async start() {
      governance = openSessionGovernance({
        path: config.databasePath,
        clock,
        policy: governancePolicyFromConfig(config.limits),
        logger: log,
        synchronous: "full",
      });
      stopMetrics = feedSessionMetrics(governance, context.metrics);
      scheduleSweep();
      log.info({ path: config.databasePath }, "session store open");
    },
    async close() {
      closed = true;
      if (sweepTimer !== undefined) clock.clearTimeout(sweepTimer);
      stopMetrics?.();
      // Ends any still-running governed stream ({ kind: "closed" }), clears the governor's timers, closes the DB.
      governance?.close();
      governance = undefined;
    },
  };
}
