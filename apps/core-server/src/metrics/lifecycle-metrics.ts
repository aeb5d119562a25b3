import type { BoundaryState, LifecycleMetrics } from "@retrovue/core-runtime";
import { Counter, type Registry } from "prom-client";
import type { ServerMetrics } from "./server-metrics.js";

/** The lifecycle counters beyond LIFECYCLE.md's fixed set (issues 13 and 14). */
interface ExtraLifecycleCounters {
  readonly switchIssuedLate: Counter<"channel">;
  readonly badMedia: Counter<"channel">;
}

/** One set per registry: a registry refuses a metric name twice. */
const extras = new WeakMap<Registry, ExtraLifecycleCounters>();

function extraCounters(registry: Registry): ExtraLifecycleCounters {
  let found = extras.get(registry);
  if (found === undefined) {
    found = {
      switchIssuedLate: new Counter({
        name: "retrovue_switch_issued_late_total",
        help: "SwitchToLive issued later than the late tolerance but still with lead >= MIN_PREFEED: sent with its exact target (INV-SWITCH-ISSUANCE-DEADLINE-001)",
        labelNames: ["channel"],
        registers: [registry],
      }),
      badMedia: new Counter({
        name: "retrovue_bad_media_total",
        help: "Items whose LoadPreview failed permanently (FAILED: media the engine cannot play); another item played instead",
        labelNames: ["channel"],
        registers: [registry],
      }),
    };
    extras.set(registry, found);
  }
  return found;
}

/**
 * Backs core-runtime's {@link LifecycleMetrics} port (contract C) with the server's
 * prom-client metrics, under the names fixed in LIFECYCLE.md, plus
 * `retrovue_switch_issued_late_total` and `retrovue_bad_media_total`. Never throws.
 */
export function createLifecycleMetrics(metrics: ServerMetrics): LifecycleMetrics {
  const label = (channel: number) => ({ channel: String(channel) });
  const extra = extraCounters(metrics.registry);
  return {
    teardownDeferred: (channel) => metrics.teardownDeferred.inc(label(channel)),
    teardownImmediate: (channel) => metrics.teardownImmediate.inc(label(channel)),
    teardownGraceTimeout: (channel) => metrics.teardownGraceTimeout.inc(label(channel)),
    observeTeardownDeferredSeconds: (channel, seconds) => metrics.teardownDeferredDuration.observe(label(channel), seconds),
    observePrefeedLeadMs: (channel, ms) => metrics.prefeedLeadTime.observe(label(channel), ms / 1000),
    observeSwitchLeadMs: (channel, ms) => metrics.switchLeadTime.observe(label(channel), ms / 1000),
    switchIssuedLate: (channel) => extra.switchIssuedLate.inc(label(channel)),
    badMedia: (channel) => extra.badMedia.inc(label(channel)),
    boundaryTransition: (channel: number, from: BoundaryState, to: BoundaryState) =>
      metrics.boundaryTransitions.inc({ channel: String(channel), from, to }),
  };
}
