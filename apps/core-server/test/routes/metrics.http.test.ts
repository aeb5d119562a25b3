import { afterEach, describe, expect, it } from "vitest";
import { bearer, createSession, eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked, makeTempDir } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("exports every LIFECYCLE.md metric and the server's, fed by real streams, sessions and engine calls", async () => {
    // The scheduled start path: its first switch carries a lead (the immediate one has none to observe).
    const { url, adminToken, fakeAir } = await startFullServer(["--session-start", "scheduled"]);
    const a = await createSession(url);
    await createSession(url);
    const stream = await openStream(`${url}/sessions/${a.id}/channels/1/stream.ts`, bearer(a.token));
    await stream.waitForBytes(188 * 20);
    // An engine call that fails, for the error counter.
    fakeAir.script("StartChannel", { grpcStatus: { code: 14, message: "down" }, times: 1 });
    expect((await fetch(`${url}/channels/2/stream.ts`)).status).toBe(503);

    let text = await scrape(url);
    for (const name of [
      "retrovue_teardown_deferred_total",
      "retrovue_teardown_immediate_total",
      "retrovue_teardown_grace_timeout_total",
      "retrovue_teardown_deferred_duration_seconds",
      "retrovue_prefeed_lead_seconds",
      "retrovue_switch_lead_seconds",
      "retrovue_sessions_active",
      "retrovue_sessions_created_total",
      "retrovue_session_terminations_total",
      "retrovue_channel_viewers",
      "retrovue_stream_bytes_out_total",
      "retrovue_engine_call_duration_seconds",
      "retrovue_engine_call_errors_total",
      "retrovue_http_requests_total",
      "retrovue_switch_issued_late_total",
      "retrovue_bad_media_total",
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, "retrovue_sessions_created_total")).toBe(2);
    expect(sample(text, "retrovue_sessions_active")).toBe(2);
    expect(sample(text, 'retrovue_channel_viewers{channel="1"}')).toBe(1);
    expect(sample(text, 'retrovue_stream_bytes_out_total{channel="1"}')).toBeGreaterThanOrEqual(188 * 20);
    expect(sample(text, 'retrovue_engine_call_duration_seconds_count{method="StartChannel"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'retrovue_engine_call_errors_total{method="StartChannel",kind="unavailable"}')).toBe(1);
    expect(sample(text, 'retrovue_prefeed_lead_seconds_count{channel="1"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'retrovue_switch_lead_seconds_count{channel="1"}')).toBeGreaterThanOrEqual(1);

    await fetch(`${url}/admin/sessions/${a.id}/terminate`, { method: "POST", headers: bearer(adminToken) });
    await stream.ended;
    await eventually("viewer gauge at 0", async () => sample(await scrape(url), 'retrovue_channel_viewers{channel="1"}') === 0);
    text = await scrape(url);
    expect(sample(text, 'retrovue_session_terminations_total{reason="admin_terminated"}')).toBe(1);
    expect(sample(text, "retrovue_sessions_active")).toBe(1);
    await eventually("teardown counted", async () => {
      const t = await scrape(url);
      return (sample(t, 'retrovue_teardown_immediate_total{channel="1"}') ?? 0) + (sample(t, 'retrovue_teardown_deferred_total{channel="1"}') ?? 0) >= 1;
    });
  });

  it("starts the active-sessions gauge from the live sessions in the store after a restart", async () => {
    const dataDir = makeTempDir();
    const first = await startFullServer([], dataDir);
    await createSession(first.url);
    const ended = await createSession(first.url);
    await createSession(first.url);
    await fetch(`${first.url}/sessions/${ended.id}`, { method: "DELETE", headers: bearer(ended.token) });
    await first.server.close();
    const second = await startFullServer([], dataDir);
    expect(sample(await scrape(second.url), "retrovue_sessions_active")).toBe(2);
  });
});
