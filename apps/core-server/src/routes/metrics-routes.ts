import type { ServerMetrics } from "../metrics/server-metrics.js";
import { text } from "../http/reply.js";
import { route, type Route } from "../http/route.js";

/** `GET /metrics`: the Prometheus exposition of the server's registry. */
export function createMetricsRoutes(metrics: ServerMetrics): Route[] {
  return [
    route(
      "GET",
      "/metrics",
      async () => {
        const { contentType, body } = await metrics.expose();
        return text(body, contentType);
      },
      { quiet: true },
    ),
  ];
}
