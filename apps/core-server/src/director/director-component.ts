import { ProgramDirector, type PlayoutEngine } from "@retrovue/core-runtime";
import type { ServerComponent } from "../app/server-component.js";
import type { ServerContext } from "../app/server-context.js";
import { createLifecycleMetrics } from "../metrics/lifecycle-metrics.js";
import { feedDirectorMetrics } from "./director-metrics.js";
import { prepareRuntimeDir, type RuntimeDir } from "./runtime-dir.js";

/** The ProgramDirector as a server component. */
export interface DirectorComponent extends ServerComponent {
  /**
   * The director, once started.
   * @throws Error before `start()` (routes are only called while the server listens).
   */
  readonly director: ProgramDirector;
  /** Socket directory in use, once started. */
  readonly runtimeDir: string | undefined;
}

/**
 * Builds the component that owns the ProgramDirector: it drives `engine` (the engine
 * host's port) over the lineup schedule and the server clock, with the config's tuner
 * budget, teardown grace (also its shutdown wait), MIN_PREFEED lead, StopChannel deadline
 * and restart backoff. `beginShutdown` starts the director's shutdown (stop accepting
 * viewers, request teardown of every channel, wait up to the grace, force the rest);
 * `close` waits for it and removes a temporary socket dir.
 */
export function createDirectorComponent(context: ServerContext, engine: PlayoutEngine): DirectorComponent {
  const { config, lineup, clock, metrics } = context;
  const log = context.logger.child({ component: "director" });
  let director: ProgramDirector | undefined;
  let runtime: RuntimeDir | undefined;
  let unsubscribe: (() => void) | undefined;
  let shutdown: Promise<void> | undefined;

  return {
    name: "director",
    get director(): ProgramDirector {
      if (director === undefined) throw new Error("the ProgramDirector is not started");
      return director;
    },
    get runtimeDir() {
      return runtime?.path;
    },
    readiness: {
      name: "director",
      check: () =>
        director === undefined
          ? { ok: false, detail: "not started" }
          : director.acceptingViewers
            ? { ok: true, detail: `${director.sessionCount} channel(s) playing, ${director.viewerCount} viewer(s)` }
            : { ok: false, detail: "shutting down" },
    },
    async start() {
      const highest = Math.max(...lineup.schedule.channelNumbers());
      runtime = prepareRuntimeDir(config.dataDir, highest);
      if (runtime.temporary) log.info({ runtimeDir: runtime.path }, "data dir too deep for Unix socket paths; using a temp dir for stream sockets");
      const limits = config.limits;
      director = new ProgramDirector(
        {
          engine,
          schedule: lineup.schedule,
          clock,
          runtimeDir: runtime.path,
          logger: context.logger,
          metrics: createLifecycleMetrics(metrics),
          channelManagerOptions: {
            minPrefeedLeadMs: limits.minPrefeedLeadMs,
            preloadLeadMs: limits.preloadLeadMs,
            teardownGraceMs: limits.teardownGraceMs,
            lateIssuanceToleranceMs: limits.switchLateToleranceMs,
            switchAnswerTimeoutMs: limits.switchAnswerTimeoutMs,
            sessionStart: limits.sessionStart,
            startPosition: limits.startPosition,
            engineCallTimeoutMs: config.air.callTimeoutMs,
          },
        },
        {
          tunerBudget: limits.maxTuners,
          engineCallTimeoutMs: config.air.callTimeoutMs,
          stopTimeoutMs: config.air.stopTimeoutMs,
          // Spawned engines must answer GetVersion first; give acquire that long and a little more.
          acquireTimeoutMs: Math.min(120_000, config.air.readyTimeoutMs + config.air.callTimeoutMs),
          shutdownGraceMs: limits.teardownGraceMs,
          restartBackoffMs: limits.restartBackoffMs,
          outputWatchdogMs: limits.outputWatchdogMs,
        },
      );
      unsubscribe = feedDirectorMetrics(director, metrics);
    },
    beginShutdown() {
      shutdown ??= director?.shutdown();
    },
    async close() {
      if (director !== undefined) {
        shutdown ??= director.shutdown();
        await shutdown;
      }
      unsubscribe?.();
      runtime?.remove();
    },
  };
}
