import { afterEach, describe, expect, it } from "vitest";
import { requireTool, runTool } from "../support/debian-tool.js";
import { bearer, createSession, eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

// Real servers and third-party tools (perl, Go binaries) on a loaded 2-core machine: generous bound.
describe("/metrics under promtool (Debian package prometheus)", { timeout: 60_000 }, () => {
  it("passes `promtool check metrics` with every series populated by a real stream", async () => {
    const promtool = requireTool("promtool", "prometheus");
    const { url } = await startFullServer();
    const session = await createSession(url);
    const stream = await openStream(`${url}/sessions/${session.id}/channels/1/stream.ts`, bearer(session.token));
    await stream.waitForBytes(188 * 20);
    // The lead histograms get their first samples once the channel has gone live.
    await eventually("lead histograms observed", async () => {
      const body = await (await fetch(`${url}/metrics`)).text();
      return /^retrovue_switch_lead_seconds_count\{channel="1"\} [1-9]/m.test(body);
    });
    const body = await (await fetch(`${url}/metrics`)).text();
    expect(body).toContain("# TYPE nodejs_active_handles gauge");
    expect(body).not.toContain("nodejs_active_handles_total");

    const run = await runTool(promtool, ["check", "metrics"], body);
    // promtool prints lint problems on stdout or stderr and exits 1 (3 for a parse error).
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
