import { evaluateReadiness, type ReadinessCheck } from "../app/readiness.js";
import { HttpProblem, type JsonValue } from "../http/http-problem.js";
import { json } from "../http/reply.js";
import { route, type Route } from "../http/route.js";

/** What the health routes read. */
export interface HealthRoutesDeps {
  /** Checks that must all pass for `/readyz`; read on each request (components add theirs at start). */
  readonly readinessChecks: () => readonly ReadinessCheck[];
  /** Epoch ms the server started listening (for uptime), or undefined before. */
  readonly startedAtMs: () => number | undefined;
  readonly now: () => number;
  /** Bound on each readiness check, ms. */
  readonly checkTimeoutMs: number;
  readonly version: string;
}

/**
 * `GET /healthz` (liveness: 200 while the process serves requests) and `GET /readyz`
 * (200 when every readiness check passes; else 503 problem+json listing the checks).
 */
export function createHealthRoutes(deps: HealthRoutesDeps): Route[] {
  return [
    route(
      "GET",
      "/healthz",
      () => {
        const startedAtMs = deps.startedAtMs();
        const uptimeSeconds = startedAtMs === undefined ? 0 : Math.max(0, (deps.now() - startedAtMs) / 1000);
        return json({ status: "ok", version: deps.version, uptimeSeconds });
      },
      { quiet: true },
    ),
    route(
      "GET",
      "/readyz",
      async () => {
        const report = await evaluateReadiness(deps.readinessChecks(), deps.checkTimeoutMs);
        const checks: Record<string, JsonValue> = {};
        for (const [name, r] of Object.entries(report.checks)) {
          checks[name] = r.detail === undefined ? { ok: r.ok } : { ok: r.ok, detail: r.detail };
        }
        if (!report.ready) {
          const failing = Object.entries(report.checks).filter(([, r]) => !r.ok).map(([name]) => name);
          throw new HttpProblem("service-unavailable", {
            title: "Not ready",
            detail: `Not ready: ${failing.join(", ")}`,
            extensions: { checks },
            headers: { "Retry-After": "1" },
          });
        }
        return json({ status: "ready", checks });
      },
      { quiet: true },
    ),
  ];
}
