import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, createLifecycleMetrics, createServerMetrics } from "../../src/index.js";
import { captureLogger, cleanupTempDirs, closeTracked, testConfig, track } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

/** LIFECYCLE.md "Logs and metrics": fixed names, with the invariant each one watches. */
const LIFECYCLE_METRICS: ReadonlyArray<[name: string, type: string, invariant: string]> = [
  ["retrovue_teardown_deferred_total", "counter", "INV-TEARDOWN-STABLE-STATE-001"],
  ["retrovue_teardown_immediate_total", "counter", "INV-TEARDOWN-STABLE-STATE-001"],
  ["retrovue_teardown_grace_timeout_total", "counter", "INV-TEARDOWN-GRACE-TIMEOUT-001"],
  ["retrovue_teardown_deferred_duration_seconds", "histogram", "INV-TEARDOWN-STABLE-STATE-001"],
  ["retrovue_prefeed_lead_seconds", "histogram", "INV-SWITCH-ISSUANCE-DEADLINE-001"],
  ["retrovue_switch_lead_seconds", "histogram", "INV-SWITCH-ISSUANCE-DEADLINE-001"],
  ["retrovue_boundary_transitions_total", "counter", "INV-BOUNDARY-LIFECYCLE-001"],
];

const SERVER_METRICS = [
  "retrovue_sessions_active",
  "retrovue_sessions_created_total",
  "retrovue_session_terminations_total",
  "retrovue_channel_viewers",
  "retrovue_stream_bytes_out_total",
  "retrovue_engine_call_duration_seconds",
  "retrovue_engine_call_errors_total",
  "retrovue_http_requests_total",
];

describe("server metrics", () => {
  it("exposes every LIFECYCLE.md metric with its type and an invariant ID in its help, over /metrics", async () => {
    const { logger } = captureLogger();
    const s = track(createCoreServer(testConfig(), { logger }));
    const { url } = await s.listen();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    for (const [name, type, invariant] of LIFECYCLE_METRICS) {
      expect(body).toContain(`# TYPE ${name} ${type}`);
      expect(body).toMatch(new RegExp(`# HELP ${name} .*${invariant}`));
    }
    for (const name of SERVER_METRICS) expect(body).toContain(`# HELP ${name} `);
    expect(body).toContain("process_cpu_user_seconds_total");
  });

  it("backs core-runtime's LifecycleMetrics port with labelled prom-client series", async () => {
    const metrics = createServerMetrics({ collectDefaultMetrics: false });
    const lifecycle = createLifecycleMetrics(metrics);
    lifecycle.teardownDeferred(3);
    lifecycle.teardownDeferred(3);
    lifecycle.teardownImmediate(1);
    lifecycle.teardownGraceTimeout(3);
    lifecycle.observeTeardownDeferredSeconds(3, 2.5);
    lifecycle.observePrefeedLeadMs(1, 7000);
    lifecycle.observeSwitchLeadMs(1, 5500);
    lifecycle.boundaryTransition?.(1, "LIVE", "PLANNED");
    const { body } = await metrics.expose();
    expect(body).toContain('retrovue_teardown_deferred_total{channel="3"} 2');
    expect(body).toContain('retrovue_teardown_immediate_total{channel="1"} 1');
    expect(body).toContain('retrovue_teardown_grace_timeout_total{channel="3"} 1');
    expect(body).toContain('retrovue_teardown_deferred_duration_seconds_sum{channel="3"} 2.5');
    expect(body).toContain('retrovue_prefeed_lead_seconds_bucket{le="7",channel="1"} 1');
    expect(body).toContain('retrovue_switch_lead_seconds_bucket{le="5.25",channel="1"} 0');
    expect(body).toContain('retrovue_switch_lead_seconds_bucket{le="5.5",channel="1"} 1');
    expect(body).toContain('retrovue_boundary_transitions_total{channel="1",from="LIVE",to="PLANNED"} 1');
  });

  it("records engine call latency by method and errors by method and kind", async () => {
    const metrics = createServerMetrics({ collectDefaultMetrics: false });
    metrics.observeEngineCall("StartChannel", 0.004);
    metrics.observeEngineCall("StopChannel", 3, "deadline_exceeded");
    metrics.observeEngineCall("LoadPreview", 0.002, "rejected");
    const { body } = await metrics.expose();
    expect(body).toContain('retrovue_engine_call_duration_seconds_count{method="StartChannel"} 1');
    expect(body).toContain('retrovue_engine_call_errors_total{method="StopChannel",kind="deadline_exceeded"} 1');
    expect(body).toContain('retrovue_engine_call_errors_total{method="LoadPreview",kind="rejected"} 1');
    expect(body).not.toContain('retrovue_engine_call_errors_total{method="StartChannel"');
  });

  it("keeps each server's registry separate", async () => {
    const a = createServerMetrics({ collectDefaultMetrics: false });
    const b = createServerMetrics({ collectDefaultMetrics: false });
    a.sessionsCreated.inc();
    expect((await a.expose()).body).toContain("retrovue_sessions_created_total 1");
    expect((await b.expose()).body).toContain("retrovue_sessions_created_total 0");
  });
});
