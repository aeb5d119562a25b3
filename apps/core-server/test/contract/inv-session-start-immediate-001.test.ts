// INV-SESSION-START-IMMEDIATE-001 end to end (server + fake AIR process, the server's default
// start): StartChannel, AttachStream, LoadPreview of the item on air, then SwitchToLive with
// target 0 — NOT_READY polled until OK within the start deadline. Teardown during the start
// is deferred like in any transient state; a start that never goes live is a start failure
// (503); a bad current item is skipped, not fatal. Asserted on the fake's record of the calls.
import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING, transitionAtMs } from "./support/scenario.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

const targetOf = (c: { request: Record<string, unknown> }): string => String(c.request["target_boundary_time_ms"]);
const codeOf = (c: { outcome?: { kind: string; response?: Record<string, unknown> } }): unknown => c.outcome?.response?.["result_code"];

/** A GET whose response head has not arrived yet, which can leave before it does. */
function pendingViewer(url: string): { leave(): void; head: Promise<number> } {
  const req = httpRequest(url, { method: "GET", agent: false, headers: { connection: "close" } });
  const head = new Promise<number>((resolve) => {
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(-1));
  });
  req.end();
  return { leave: () => req.destroy(), head };
}

describe("INV-SESSION-START-IMMEDIATE-001 (server + fake AIR process)", () => {
  it("INV-SESSION-START-IMMEDIATE-001: tune-in → LoadPreview, SwitchToLive target 0 (NOT_READY, then OK), bytes; no scheduled switch first", async () => {
    const s = await startScenario({ sessionStart: "immediate" });
    const tunedAtMs = Date.now();
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    await viewer.waitForBytes(188 * 10);
    const row = await s.channel(1);
    expect(row).toMatchObject({ isLive: true, provisional: false, fatalReason: null });
    const t = await s.timeline(1);
    expect(t.methods().filter((m) => m !== "GetVersion").slice(0, 3)).toEqual(["AttachStream", "StartChannel", "LoadPreview"]);
    const switches = t.of("SwitchToLive");
    expect(switches.map(targetOf)).toEqual(switches.map(() => "0"));
    expect(codeOf(switches[0]!)).toBe("RESULT_CODE_NOT_READY");
    expect(codeOf(switches.at(-1)!)).toBe("RESULT_CODE_OK");
    // Polled, not hammered: the interval between calls is the 50 ms poll interval (plus the answer time).
    for (let i = 1; i < switches.length; i++) expect(switches[i]!.receivedAtMs - switches[i - 1]!.answeredAtMs!).toBeGreaterThanOrEqual(45);
    const liveAtMs = transitionAtMs(s.server, 1, "LIVE")!;
    expect(liveAtMs).toBeGreaterThanOrEqual(switches.at(-1)!.receivedAtMs);
    console.info(
      `[INV-SESSION-START-IMMEDIATE-001] tune-in → LIVE ${liveAtMs - tunedAtMs} ms, → first byte ${viewer.firstByteAtMs! - tunedAtMs} ms (${switches.length} SwitchToLive calls)`,
    );
    viewer.leave();
    await s.waitIdle();
  });

  it("INV-SESSION-START-IMMEDIATE-001: a viewer leaving during the start (NOT_READY held) gets no DetachStream/StopChannel before the OK, then at once", async () => {
    const s = await startScenario({ sessionStart: "immediate" });
    await s.air!.script("SwitchToLive", { resultCode: "NOT_READY", times: 12 });
    const viewer = pendingViewer(`${s.server.baseUrl}/channels/1/stream.ts`);
    await s.waitCalls(1, (t) => t.of("SwitchToLive").length >= 2, "the start polling");
    const leftAtMs = Date.now();
    viewer.leave();
    await s.waitIdle();
    const t = await s.timeline(1);
    const ok = t.of("SwitchToLive").find((c) => codeOf(c) === "RESULT_CODE_OK")!;
    expect(ok, t.describe()).toBeDefined();
    expect(t.between(leftAtMs, ok.answeredAtMs!, "DetachStream", "StopChannel"), t.describe(leftAtMs)).toEqual([]);
    const [detach, stop] = t.since(leftAtMs, "DetachStream", "StopChannel");
    expect(detach!.method).toBe("DetachStream");
    expect(stop!.method).toBe("StopChannel");
    expect(detach!.receivedAtMs - ok.answeredAtMs!).toBeLessThanOrEqual(TIMING.atOnceMs);
    expect(await viewer.head).not.toBe(200);
    console.info(`[INV-SESSION-START-IMMEDIATE-001] leave during start: teardown ${detach!.receivedAtMs - leftAtMs} ms after the leave, ${detach!.receivedAtMs - ok.answeredAtMs!} ms after LIVE`);
  });

  it("INV-SESSION-START-IMMEDIATE-001: NOT_READY until the start deadline → a start failure (503 problem+json), then teardown; nothing more is polled", async () => {
    const s = await startScenario({ sessionStart: "immediate" });
    await s.air!.script("SwitchToLive", { resultCode: "NOT_READY" });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(503);
    expect(viewer.headers["content-type"]).toBe("application/problem+json");
    await s.waitIdle();
    const t = await s.timeline(1);
    const start = t.first("StartChannel")!;
    const switches = t.of("SwitchToLive");
    const last = switches.at(-1)!;
    // Default start deadline 4000 ms from StartChannel's answer: no poll after it.
    expect(last.receivedAtMs - start.answeredAtMs!).toBeLessThan(4_000 + 100);
    expect(last.receivedAtMs - start.answeredAtMs!).toBeGreaterThan(3_000);
    const detach = t.first("DetachStream")!;
    expect(detach.receivedAtMs).toBeGreaterThanOrEqual(last.receivedAtMs);
    expect(s.server.logsMatching("INV-SESSION-START-IMMEDIATE-001").some((l) => String(l["reason"] ?? "").includes("start deadline"))).toBe(true);
    console.info(`[INV-SESSION-START-IMMEDIATE-001] held NOT_READY: ${switches.length} polls, last ${last.receivedAtMs - start.answeredAtMs!} ms after StartChannel`);
  });

  it("a bad current item (LoadPreview FAILED) is skipped to the next item at the start: bytes flow, the item is reported", async () => {
    const s = await startScenario({ sessionStart: "immediate" });
    await s.air!.script("LoadPreview", { resultCode: "FAILED", times: 1 });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    await viewer.waitForBytes(188 * 10);
    const t = await s.timeline(1);
    const [bad, next] = t.of("LoadPreview");
    expect(String(next!.request["asset_path"])).not.toBe(String(bad!.request["asset_path"]));
    const admin = await s.server.admin("/admin/channels");
    const row = (admin.json as { channels: Array<Record<string, any>> }).channels.find((c) => c["number"] === 1)!;
    expect(row["lastBadItem"]).toMatchObject({ path: String(bad!.request["asset_path"]), substitute: "next-item" });
    expect(row["isLive"]).toBe(true);
    viewer.leave();
    await s.waitIdle();
  });
});
