import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { OperationHandle } from "../src/decisions.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantee 8; INV-SESSION-SLOT-RELEASE-001.
describe("SessionGovernor concurrency slots", () => {
  const fx = useFixture();
  const reject = { ...SMALL_POLICY, defaults: { ...SMALL_POLICY.defaults, concurrencyPolicy: "reject" as const, maxConcurrentOps: 3 } };

  test("reject policy: N admissions at the limit admit exactly the limit, the rest are rejected with limit and active", () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const decisions = Array.from({ length: 10 }, () => gov.governor.admit(id, "stream"));
    expect(decisions.filter((d) => d.kind === "admitted")).toHaveLength(3);
    const rejected = decisions.filter((d) => d.kind === "rejected");
    expect(rejected).toHaveLength(7);
    expect(rejected[0]).toEqual({ kind: "rejected", sessionId: id, limit: 3, active: 3, retryAfterMs: 2_000 });
    expect(gov.governor.activeSlots(id)).toBe(3);
    expect(gov.sessions.get(id)?.state).toBe("live");
    // Freeing one slot admits exactly one more.
    const first = decisions[0];
    if (first?.kind !== "admitted") throw new Error("expected admitted");
    first.handle.release();
    expect(gov.governor.admit(id, "stream").kind).toBe("admitted");
    expect(gov.governor.admit(id, "stream").kind).toBe("rejected");
  });

  test("terminate policy (default): the admission over the limit terminates the session concurrency_limit and ends its streams", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const a = gov.governor.admit(id, "stream");
    const b = gov.governor.admit(id, "stream");
    if (a.kind !== "admitted" || b.kind !== "admitted") throw new Error("expected two admissions");
    clock.advance(5);
    const third = gov.governor.admit(id, "stream");
    const gone = { kind: "gone", sessionId: id, reason: "concurrency_limit", terminatedAtMs: T0 + 5, actor: "system:governor" };
    expect(third).toEqual(gone);
    expect(a.handle.signal.aborted).toBe(true);
    expect(a.handle.signal.reason).toEqual(gone);
    expect(b.handle.released).toBe(true);
    expect(gov.governor.activeSlots(id)).toBe(0);
    expect(gov.governor.admit(id, "stream")).toEqual(gone);
    expect(gov.sessions.get(id)?.termination?.reason).toBe("concurrency_limit");
  });

  test("operations that take no slot are not limited", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    gov.governor.admit(id, "stream");
    gov.governor.admit(id, "stream");
    for (const op of ["heartbeat", "status", "extend", "heartbeat"]) expect(gov.governor.admit(id, op).kind).toBe("admitted");
    expect(gov.governor.activeSlots(id)).toBe(2);
  });

  test("N concurrent run() calls at the limit: exactly the limit run at once, the rest are rejected", async () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    let running = 0;
    let peak = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const all = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        gov.governor.run(id, "stream", async () => {
          running += 1;
          peak = Math.max(peak, running);
          await gate;
          running -= 1;
          return i;
        }),
      ),
    );
    await Promise.resolve();
    expect(gov.governor.activeSlots(id)).toBe(3);
    open();
    const outcomes = await all;
    expect(outcomes.filter((o) => o.kind === "completed")).toHaveLength(3);
    expect(outcomes.filter((o) => o.kind === "rejected")).toHaveLength(9);
    expect(peak).toBe(3);
    expect(gov.governor.activeSlots(id)).toBe(0);
  });

  test("run() releases the slot when the operation throws, and rethrows", async () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const failure = new Error("encoder died");
    await expect(gov.governor.run(id, "stream", () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(gov.governor.run(id, "stream", () => { throw failure; })).rejects.toBe(failure);
    expect(gov.governor.activeSlots(id)).toBe(0);
    for (let i = 0; i < 3; i++) expect(gov.governor.admit(id, "stream").kind).toBe("admitted");
  });

  test("a client abort frees the slot at once and aborts the operation's signal", async () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const client = new AbortController();
    let seen: OperationHandle | undefined;
    let finish!: () => void;
    const outcome = gov.governor.run(
      id,
      "stream",
      (handle) => {
        seen = handle;
        return new Promise<string>((resolve) => (finish = () => resolve("done")));
      },
      { signal: client.signal },
    );
    expect(gov.governor.activeSlots(id)).toBe(1);
    client.abort("client went away");
    expect(gov.governor.activeSlots(id)).toBe(0);
    expect(seen?.signal.aborted).toBe(true);
    expect(seen?.signal.reason).toEqual({ kind: "aborted", cause: "client went away" });
    finish();
    expect(await outcome).toEqual({ kind: "completed", value: "done" });
    expect(gov.governor.activeSlots(id)).toBe(0);
  });

  test("an already aborted client signal: admitted but released at once", () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const decision = gov.governor.admit(id, "stream", { signal: AbortSignal.abort("gone before") });
    expect(decision).toMatchObject({ kind: "admitted", handle: { released: true } });
    expect(gov.governor.activeSlots(id)).toBe(0);
  });

  test("release is idempotent: a second release never frees another operation's slot", () => {
    const gov = fx.open(new ManualClock(T0), { policy: reject, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const a = gov.governor.admit(id, "stream");
    gov.governor.admit(id, "stream");
    if (a.kind !== "admitted") throw new Error("expected admitted");
    a.handle.release();
    a.handle.release();
    expect(gov.governor.activeSlots(id)).toBe(1);
    expect(a.handle.signal.aborted).toBe(false);
  });

  test("property: any sequence of admits and releases keeps slots within the limit and frees them all", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: { ...reject, maxSessionsPerOwner: 1_000 }, recheckIntervalMs: null });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant("admit" as const), fc.nat({ max: 7 })), { maxLength: 40 }),
        (limit, steps) => {
          const { id } = createSession(gov, "device:prop", { maxConcurrentOps: limit, concurrencyPolicy: "reject" });
          const held: OperationHandle[] = [];
          for (const step of steps) {
            if (step === "admit") {
              const d = gov.governor.admit(id, "stream");
              if (d.kind === "admitted") held.push(d.handle);
              else expect(d).toMatchObject({ kind: "rejected", active: limit, limit });
            } else {
              held.splice(step % Math.max(1, held.length), 1)[0]?.release();
            }
            expect(gov.governor.activeSlots(id)).toBe(held.length);
            expect(held.length).toBeLessThanOrEqual(limit);
          }
          for (const h of held) h.release();
          expect(gov.governor.activeSlots(id)).toBe(0);
          gov.termination.terminate(id, "user_requested", "session:prop");
        },
      ),
      { numRuns: 60 },
    );
  });
});
