import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, createLifecycleMetrics, createServerMetrics } from "../../src/index.js";
import { requireTool, runTool } from "../support/debian-tool.js";
import { captureLogger, cleanupTempDirs, closeTracked, testConfig, track } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

// Real servers and third-party tools (perl, Go binaries) on a loaded 2-core machine: generous bound.
describe("/metrics under promtool (Debian package prometheus)", { timeout: 60_000 }, () => {
  it("passes `promtool check metrics` on a live server's /metrics", async () => {
    const promtool = requireTool("promtool", "prometheus");
    const { logger } = captureLogger();
    const server = track(createCoreServer(testConfig(), { logger }));
    const { url } = await server.listen();
    const body = await (await fetch(`${url}/metrics`)).text();
    expect(body).toContain("# TYPE retrovue_switch_lead_seconds histogram");
    expect(body).toContain("# TYPE nodejs_active_handles gauge");
    expect(body).not.toContain("nodejs_active_handles_total");
    const run = await runTool(promtool, ["check", "metrics"], body);
    // promtool prints lint problems on stdout or stderr and exits 1 (3 for a parse error).
    expect(`${run.stdout}${run.stderr}`.trim(), "promtool findings").toBe("");
    expect(run.code).toBe(0);
  });

  it("passes it with every lifecycle series populated (labelled histogram and counter samples)", async () => {
    const promtool = requireTool("promtool", "prometheus");
    const metrics = createServerMetrics();
    const lifecycle = createLifecycleMetrics(metrics);
    lifecycle.observePrefeedLeadMs(1, 7000);
    lifecycle.observeSwitchLeadMs(1, 5500);
    lifecycle.observeTeardownDeferredSeconds(2, 1.5);
    lifecycle.teardownDeferred(2);
    lifecycle.teardownImmediate(1);
    lifecycle.teardownGraceTimeout(3);
    lifecycle.boundaryTransition?.(1, "LIVE", "PLANNED");
    metrics.observeEngineCall("StartChannel", 0.02, "unavailable");
    metrics.httpRequests.inc({ route: "/channels", method: "GET", status: "200" });
    const { body } = await metrics.expose();
    expect(body).toContain('retrovue_switch_lead_seconds_bucket{le="5.5",channel="1"} 1');
    const run = await runTool(promtool, ["check", "metrics"], body);
    expect(`${run.stdout}${run.stderr}`.trim(), "promtool findings").toBe("");
    expect(run.code).toBe(0);
  });

  it("flags the pre-rename names, so the check above can fail", async () => {
    const promtool = requireTool("promtool", "prometheus");
    const old = [
      "# HELP retrovue_switch_lead_time_ms Lead.",
      "# TYPE retrovue_switch_lead_time_ms histogram",
      'retrovue_switch_lead_time_ms_bucket{le="+Inf"} 1',
      "retrovue_switch_lead_time_ms_sum 5500",
      "retrovue_switch_lead_time_ms_count 1",
      "# HELP nodejs_active_handles_total Total number of active handles.",
      "# TYPE nodejs_active_handles_total gauge",
      "nodejs_active_handles_total 3",
      "",
    ].join("\n");
    const run = await runTool(promtool, ["check", "metrics"], old);
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain("retrovue_switch_lead_time_ms metric names should not contain abbreviated units");
    expect(`${run.stdout}${run.stderr}`).toContain('nodejs_active_handles_total non-counter metrics should not have "_total" suffix');
  });
});
