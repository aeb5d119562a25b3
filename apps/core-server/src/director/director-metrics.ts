import type { ProgramDirector } from "@retrovue/core-runtime";
import { Counter, type Registry } from "prom-client";
import type { ServerMetrics } from "../metrics/server-metrics.js";

/** A counter on `registry`, reused if a director was fed into it before. */
function counterOn<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/**
 * Feeds `retrovue_channel_viewers{channel}` from the director's events (its counts are
 * the authority: viewers waiting for a starting channel count too), and counts engine
 * failures under viewers: `retrovue_channel_engine_failures_total{channel,reason}` and
 * `retrovue_output_watchdog_trips_total{channel}`. Returns the unsubscribe function.
 */
export function feedDirectorMetrics(director: ProgramDirector, metrics: ServerMetrics): () => void {
  const engineFailures = counterOn(
    metrics.registry,
    "retrovue_channel_engine_failures_total",
    "Engine failures under viewers (stream_lost, output_watchdog, terminal); each is followed by a restart with the viewers kept",
    ["channel", "reason"],
  );
  const watchdogTrips = counterOn(
    metrics.registry,
    "retrovue_output_watchdog_trips_total",
    "LIVE channels whose engine wrote no bytes for --output-watchdog-ms; the engine was killed and restarted",
    ["channel"],
  );
  return director.subscribe((event) => {
    switch (event.type) {
      case "viewer-joined":
      case "viewer-left":
        metrics.channelViewers.set({ channel: String(event.channel) }, event.viewers);
        break;
      case "teardown-completed":
        metrics.channelViewers.set({ channel: String(event.channel) }, 0);
        break;
      case "engine-failed":
        engineFailures.inc({ channel: String(event.channel), reason: event.reason });
        break;
      case "output-watchdog-tripped":
        watchdogTrips.inc({ channel: String(event.channel) });
        break;
      default:
        break;
    }
  });
}
