// INV-LIVE-SESSION-AUTHORITY-001 end to end: the operator API (/admin/channels) and the
// viewers' API (/channels, /channels/{n}) report a channel live only after the engine has
// answered its SwitchToLive; while the session is provisional viewers see "starting". The
// observations are compared with the fake's record of when it answered the switch.
import type { RecordedCall } from "@retrovue/fake-air";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { startScenario, type Scenario } from "./support/scenario.js";
import { sleep } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

/** One look at the channel through all three APIs; `sentAtMs`/`doneAtMs` bracket the requests. */
interface Observation {
  readonly sentAtMs: number;
  readonly doneAtMs: number;
  readonly adminState: string;
  readonly adminIsLive: boolean;
  readonly adminProvisional: boolean | null;
  readonly listState: string;
  readonly channelState: string;
}

async function observe(s: Scenario, n: number): Promise<Observation> {
  const sentAtMs = Date.now();
  const [admin, list, one] = await Promise.all([s.channel(n), s.server.http("/channels"), s.server.http(`/channels/${n}`)]);
  const doneAtMs = Date.now();
  const row = (list.json as { channels: Array<{ number: number; state: string }> }).channels.find((c) => c.number === n)!;
  return {
    sentAtMs,
    doneAtMs,
    adminState: admin.state,
    adminIsLive: admin.isLive,
    adminProvisional: admin.provisional,
    listState: row.state,
    channelState: (one.json as { state: string }).state,
  };
}

const saysLive = (o: Observation): boolean => o.adminIsLive || o.adminState === "live" || o.listState === "live" || o.channelState === "live";

/** Observes channel `n` until `done()` says so, as often as the server answers. */
async function observeUntil(s: Scenario, n: number, done: (o: Observation) => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<Observation[]> {
  const seen: Observation[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await observe(s, n);
    seen.push(o);
    if (await done(o)) return seen;
    if (Date.now() > deadline) throw new Error(`channel ${n} never reached the awaited state; last: ${JSON.stringify(o)}`);
    await sleep(10);
  }
}

/** Every observation finished before the engine's answer left it must not say live. */
function expectNothingLiveBefore(seen: readonly Observation[], answer: RecordedCall): void {
  const before = seen.filter((o) => o.doneAtMs < answer.answeredAtMs!);
  const liar = before.find(saysLive);
  expect(liar, `reported live before the engine answered the switch (${answer.answeredAtMs}): ${JSON.stringify(liar)}`).toBeUndefined();
}

describe("INV-LIVE-SESSION-AUTHORITY-001 (server + fake AIR process)", () => {
  it("INV-LIVE-SESSION-AUTHORITY-001: a new channel is 'starting' for viewers and not live for operators until the engine answered its switch", async () => {
    const s = await startScenario();
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    const switchAnswered = async (count: number): Promise<boolean> =>
      (await s.timeline(1)).of("SwitchToLive").filter((c) => c.answeredAtMs !== undefined).length >= count;
    const seen = await observeUntil(s, 1, async (o) => o.adminIsLive && o.listState === "live" && o.channelState === "live" && (await switchAnswered(1)));
    const t = await s.timeline(1);
    const sw = t.first("SwitchToLive")!;
    expect(sw.outcome).toMatchObject({ kind: "response", response: { success: true } });
    expectNothingLiveBefore(seen, sw);
    // The window that matters was observed: while the switch was in flight the channel was
    // provisional — "starting" for viewers, not live, provisional for operators.
    const inFlight = seen.filter((o) => o.sentAtMs >= sw.receivedAtMs && o.doneAtMs < sw.answeredAtMs!);
    expect(inFlight.length).toBeGreaterThanOrEqual(5);
    for (const o of inFlight) {
      expect(o).toMatchObject({ adminIsLive: false, adminProvisional: true, adminState: "starting", listState: "starting", channelState: "starting" });
    }
    // And live once it had answered.
    const after = seen.filter((o) => o.sentAtMs > sw.answeredAtMs! + 200);
    for (const o of after) expect(o.adminIsLive).toBe(true);
    viewer.leave();
    await s.waitIdle();
  });

  it("INV-LIVE-SESSION-AUTHORITY-001: a switch the engine refuses never makes the channel live; the restarted session is live only after its own answer", async () => {
    const s = await startScenario({ restartBackoffMs: "300" });
    await s.air!.script("SwitchToLive", { resultCode: "PROTOCOL_VIOLATION", times: 1 });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    const seen = await observeUntil(
      s,
      1,
      async (o) => o.adminIsLive && o.listState === "live" && (await s.timeline(1)).of("SwitchToLive").filter((c) => c.answeredAtMs !== undefined).length >= 2,
    );
    const t = await s.timeline(1);
    const switches = t.of("SwitchToLive");
    expect(switches).toHaveLength(2);
    expect(switches[0]!.outcome).toMatchObject({ kind: "response", response: { success: false, result_code: "RESULT_CODE_PROTOCOL_VIOLATION" } });
    expect(switches[1]!.outcome).toMatchObject({ kind: "response", response: { success: true } });
    // Not live at any point before the second (successful) switch was answered.
    expectNothingLiveBefore(seen, switches[1]!);
    // The failure was seen as such, not as live.
    expect(seen.some((o) => o.adminState === "failed" || o.adminState === "starting")).toBe(true);
    viewer.leave();
    await s.waitIdle();
  });

  it("INV-LIVE-SESSION-AUTHORITY-001: crossing a later boundary, the channel is reported switching (not live) until that switch is answered", async () => {
    // Segments of 1.5 s: right after the start-up LIVE the next (resync) boundary is prepared.
    const s = await startScenario({ lineup: { segmentMs: 1_500 } });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    const seen = await observeUntil(s, 1, async () => {
      const t = await s.timeline(1);
      return t.of("SwitchToLive").filter((c) => c.outcome?.kind === "response").length >= 2;
    });
    const t = await s.timeline(1);
    const [first, second] = t.of("SwitchToLive");
    const secondPreload = t.of("LoadPreview")[1]!;
    // Between the next boundary's LoadPreview and its switch answer: never live.
    const crossing = seen.filter((o) => o.sentAtMs >= secondPreload.receivedAtMs && o.doneAtMs < second!.answeredAtMs!);
    expect(crossing.length).toBeGreaterThanOrEqual(5);
    for (const o of crossing) expect(o).toMatchObject({ adminIsLive: false, adminProvisional: false, adminState: "switching", listState: "switching" });
    expectNothingLiveBefore(seen, first!);
    viewer.leave();
    await s.waitIdle(8_000);
  });
});
