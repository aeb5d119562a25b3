import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EngineCallErrorKind } from "@retrovue/core-runtime";

/** Default Node.js metrics the server does not export (see the server README, Metrics). */
export const REMOVED_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** Add prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  readonly collectDefaultMetrics?: boolean;
}

/**
 * Every Prometheus metric the server exports, on a registry of its own (never the global
 * one, so several servers in one process — tests — do not collide). Names follow LIFECYCLE.md
 * except the two lead histograms, in base units (seconds) as Prometheus wants; help texts name the invariant each one watches.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  // LIFECYCLE.md "Logs and metrics"
  readonly teardownDeferred: Counter<"channel">;
  readonly teardownImmediate: Counter<"channel">;
  readonly teardownGraceTimeout: Counter<"channel">;
  readonly teardownDeferredDuration: Histogram<"channel">;
  readonly prefeedLeadTime: Histogram<"channel">;
  readonly switchLeadTime: Histogram<"channel">;
  readonly boundaryTransitions: Counter<"channel" | "from" | "to">;
  // Sessions and viewers
  readonly sessionsActive: Gauge;
  readonly sessionsCreated: Counter;
  readonly sessionTerminations: Counter<"reason">;
  readonly channelViewers: Gauge<"channel">;
  readonly streamBytesOut: Counter<"channel">;
  // Engine and HTTP
  readonly engineCallDuration: Histogram<"method">;
  readonly engineCallErrors: Counter<"method" | "kind">;
  readonly httpRequests: Counter<"route" | "method" | "status">;
  /** Records one engine call: its duration, and its failure kind if it failed. */
  observeEngineCall(method: string, durationSeconds: number, failure?: EngineCallErrorKind | "rejected"): void;
  /** The exposition text and its content type, for `/metrics`. */
  expose(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** Creates the server's metrics on a new registry. */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.collectDefaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // prom-client's `nodejs_active_*_total` are gauges named like counters (promtool rejects
    // them); the same figures are the sums of the per-type `nodejs_active_*{type}` gauges.
    for (const name of REMOVED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  const registers = [registry];

  const teardownDeferred = new Counter({
    name: "retrovue_teardown_deferred_total",
    help: "Teardown requests deferred because the boundary state was transient (INV-TEARDOWN-STABLE-STATE-001).",
    labelNames: ["channel"] as const,
    registers,
  });
  const teardownImmediate = new Counter({
    name: "retrovue_teardown_immediate_total",
    help: "Teardown requests executed at once because the boundary state was stable (INV-TEARDOWN-STABLE-STATE-001).",
    labelNames: ["channel"] as const,
    registers,
  });
  const teardownGraceTimeout = new Counter({
    name: "retrovue_teardown_grace_timeout_total",
    help: "Deferred teardowns whose grace expired in a transient state, forcing FAILED_TERMINAL (INV-TEARDOWN-GRACE-TIMEOUT-001).",
    labelNames: ["channel"] as const,
    registers,
  });
  const teardownDeferredDuration = new Histogram({
    name: "retrovue_teardown_deferred_duration_seconds",
    help: "Time a deferred teardown waited for a stable state, seconds (INV-TEARDOWN-STABLE-STATE-001, bounded by INV-TEARDOWN-GRACE-TIMEOUT-001).",
    labelNames: ["channel"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15],
    registers,
  });
  const prefeedLeadTime = new Histogram({
    name: "retrovue_prefeed_lead_seconds",
    help: "Lead of each LoadPreview before its boundary, seconds (preload lead = max(7 s, MIN_PREFEED_LEAD_MS + 2 s), so the switch can be issued on time: INV-SWITCH-ISSUANCE-DEADLINE-001).",
    labelNames: ["channel"] as const,
    buckets: [1, 2, 3, 5, 6, 7, 8, 10, 15, 30],
    registers,
  });
  const switchLeadTime = new Histogram({
    name: "retrovue_switch_lead_seconds",
    help: "Lead of each SwitchToLive (target boundary minus issue time), seconds; must be at least MIN_PREFEED_LEAD_MS (INV-SWITCH-ISSUANCE-DEADLINE-001, INV-BOUNDARY-DECLARED-MATCHES-PLAN-001).",
    labelNames: ["channel"] as const,
    buckets: [1, 3, 4.5, 5, 5.25, 5.5, 6, 7, 10, 30],
    registers,
  });
  const boundaryTransitions = new Counter({
    name: "retrovue_boundary_transitions_total",
    help: "Boundary state transitions by channel, from and to state (INV-BOUNDARY-LIFECYCLE-001).",
    labelNames: ["channel", "from", "to"] as const,
    registers,
  });
  const sessionsActive = new Gauge({
    name: "retrovue_sessions_active",
    help: "Viewer sessions open now (not terminated).",
    registers,
  });
  const sessionsCreated = new Counter({
    name: "retrovue_sessions_created_total",
    help: "Viewer sessions created.",
    registers,
  });
  const sessionTerminations = new Counter({
    name: "retrovue_session_terminations_total",
    help: "Viewer sessions terminated, by reason (idle_timeout, max_lifetime, concurrency_limit, user_requested, admin_terminated, host_shutdown).",
    labelNames: ["reason"] as const,
    registers,
  });
  const channelViewers = new Gauge({
    name: "retrovue_channel_viewers",
    help: "Viewers streaming each channel now (advisory for teardown: INV-VIEWER-COUNT-ADVISORY-001).",
    labelNames: ["channel"] as const,
    registers,
  });
  const streamBytesOut = new Counter({
    name: "retrovue_stream_bytes_out_total",
    help: "MPEG-TS bytes written to viewers, by channel.",
    labelNames: ["channel"] as const,
    registers,
  });
  const engineCallDuration = new Histogram({
    name: "retrovue_engine_call_duration_seconds",
    help: "Duration of engine (AIR) calls by method, seconds; SwitchToLive includes its wait for the boundary.",
    labelNames: ["method"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const engineCallErrors = new Counter({
    name: "retrovue_engine_call_errors_total",
    help: "Engine (AIR) calls that failed, by method and kind (rejected = the engine said no; others: transport or status errors).",
    labelNames: ["method", "kind"] as const,
    registers,
  });
  const httpRequests = new Counter({
    name: "retrovue_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers,
  });

  return {
    registry,
    teardownDeferred,
    teardownImmediate,
    teardownGraceTimeout,
    teardownDeferredDuration,
    prefeedLeadTime,
    switchLeadTime,
    boundaryTransitions,
    sessionsActive,
    sessionsCreated,
    sessionTerminations,
    channelViewers,
    streamBytesOut,
    engineCallDuration,
    engineCallErrors,
    httpRequests,
    observeEngineCall(method, durationSeconds, failure) {
      engineCallDuration.observe({ method }, durationSeconds);
      if (failure !== undefined) engineCallErrors.inc({ method, kind: failure });
    },
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
