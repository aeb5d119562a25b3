import { afterEach, describe, expect, it } from "vitest";
import { advance, closeAndAssertClean, createHarness, ioTurns, type Harness } from "./program-director.fixtures.js";
import { RecordingSink, waitUntil } from "../stream-hub/stream-hub.fixtures.js";

let h: Harness;

afterEach(() => closeAndAssertClean(h));

const NOT_READY = { kind: "rejected", code: "not_ready" } as const;

describe("ProgramDirector with the immediate session start (INV-SESSION-START-IMMEDIATE-001)", () => {
  it("resolves the first tune-in once the immediate switch is LIVE (NOT_READY polled), not at StartChannel", async () => {
    h = await createHarness({ managerOptions: { sessionStart: "immediate" } });
    h.engine.script("switchToLive", NOT_READY, NOT_READY);
    let tuned = false;
    const pending = h.director.tuneIn(1, { sink: new RecordingSink() }).then((v) => ((tuned = true), v));
    await waitUntil(() => h.engine.count("switchToLive") === 1, "the first immediate SwitchToLive");
    await advance(h.clock, 99);
    expect(tuned).toBe(false);
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "starting", boundaryState: "SWITCH_ISSUED", isLive: false });
    await advance(h.clock, 1);
    await pending;
    expect(h.director.channelSnapshots()[0]).toMatchObject({ phase: "running", boundaryState: "LIVE", isLive: true, provisional: false });
    expect(h.engine.methods(1).filter((m) => m === "switchToLive")).toHaveLength(3);
  });

  it("an operator stop during the immediate start is not cut: no DetachStream/StopChannel before LIVE, then at once", async () => {
    h = await createHarness({ managerOptions: { sessionStart: "immediate" } });
    h.engine.script("switchToLive", NOT_READY, NOT_READY, NOT_READY);
    const tuneIn = h.director.tuneIn(1, { sink: new RecordingSink() }).catch((error: unknown) => error);
    await waitUntil(() => h.engine.count("switchToLive") === 1, "the first immediate SwitchToLive");
    await advance(h.clock, 10);
    expect(h.director.channelSnapshots()[0]?.boundaryState).toBe("SWITCH_ISSUED");
    const stopped = h.director.stopChannel(1);
    await advance(h.clock, 139);
    expect(h.engine.methods(1)).not.toContain("detachStream");
    expect(h.engine.methods(1)).not.toContain("stopChannel");
    await advance(h.clock, 1); // the fourth poll answers OK at +150: LIVE, a stable state
    await ioTurns(20);
    expect(await stopped).toBe(true);
    const methods = h.engine.methods(1);
    expect(methods.indexOf("detachStream")).toBeGreaterThan(methods.lastIndexOf("switchToLive"));
    expect(methods).toContain("stopChannel");
    await tuneIn;
  });
});
