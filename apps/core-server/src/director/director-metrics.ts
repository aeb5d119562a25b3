import type { ProgramDirector } from "@retrovue/core-runtime";
import type { ServerMetrics } from "../metrics/server-metrics.js";

/**
 * Feeds `retrovue_channel_viewers{channel}` from the director's events (its counts are
 * the authority: viewers waiting for a starting channel count too). Returns the
 * unsubscribe function.
 */
export function feedDirectorMetrics(director: ProgramDirector, metrics: ServerMetrics): () => void {
  return director.subscribe((event) => {
    switch (event.type) {
      case "viewer-joined":
      case "viewer-left":
        metrics.channelViewers.set({ channel: String(event.channel) }, event.viewers);
        break;
      case "teardown-completed":
        metrics.channelViewers.set({ channel: String(event.channel) }, 0);
        break;
      default:
        break;
    }
  });
}
