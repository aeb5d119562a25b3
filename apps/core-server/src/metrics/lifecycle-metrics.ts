import type { BoundaryState, LifecycleMetrics } from "@retrovue/core-runtime";
import type { ServerMetrics } from "./server-metrics.js";

/**
 * Backs core-runtime's {@link LifecycleMetrics} port (contract C) with the server's
 * prom-client metrics, under the names fixed in LIFECYCLE.md. Never throws.
 */
export function createLifecycleMetrics(metrics: ServerMetrics): LifecycleMetrics {
  const label = (channel: number) => ({ channel: String(channel) });
  return {
    teardownDeferred: (channel) => metrics.teardownDeferred.inc(label(channel)),
    teardownImmediate: (channel) => metrics.teardownImmediate.inc(label(channel)),
    teardownGraceTimeout: (channel) => metrics.teardownGraceTimeout.inc(label(channel)),
    observeTeardownDeferredSeconds: (channel, seconds) => metrics.teardownDeferredDuration.observe(label(channel), seconds),
    observePrefeedLeadMs: (channel, ms) => metrics.prefeedLeadTime.observe(label(channel), ms / 1000),
    observeSwitchLeadMs: (channel, ms) => metrics.switchLeadTime.observe(label(channel), ms / 1000),
    boundaryTransition: (channel: number, from: BoundaryState, to: BoundaryState) =>
      metrics.boundaryTransitions.inc({ channel: String(channel), from, to }),
  };
}
