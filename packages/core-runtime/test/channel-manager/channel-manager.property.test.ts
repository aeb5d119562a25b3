import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isLegalBoundaryMove,
  isTransientState,
  type BoundaryState,
  type EngineCallOptions,
  type EngineOutcome,
  type LoadPreviewParams,
  type SwitchToLiveParams,
  type SwitchToLiveResult,
} from "../../src/index.js";
import { FakeEngine, type FakeAnswer } from "../helpers/fake-engine.js";
import { FixedSchedule } from "../helpers/fixed-schedule.js";
import { createHarness, T0 } from "../helpers/harness.js";

type Action =
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "next-timer" }
  | { readonly kind: "request" }
  | { readonly kind: "cancel" }
  | { readonly kind: "tick" }
  | { readonly kind: "script"; readonly method: "loadPreview" | "switchToLive"; readonly answer: FakeAnswer };

const answerArb: fc.Arbitrary<FakeAnswer> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("ok" as const), delayMs: fc.integer({ min: 0, max: 3000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("rejected" as const),
      code: fc.constantFrom("rejected_busy", "not_ready", "protocol_violation", "failed", "unspecified" as const),
      delayMs: fc.integer({ min: 0, max: 2000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("error" as const),
      error: fc.constantFrom("unavailable", "deadline_exceeded", "internal", "not_found" as const),
      delayMs: fc.integer({ min: 0, max: 2000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "hang" } as const) },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 15_000 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 600 }) }) },
  { weight: 4, arbitrary: fc.constant({ kind: "next-timer" } as const) },
  { weight: 2, arbitrary: fc.constant({ kind: "request" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "cancel" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "tick" } as const) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("script" as const), method: fc.constantFrom("loadPreview", "switchToLive" as const), answer: answerArb }),
  },
);

/** What the manager looked like when the engine was called. */
interface CallProbe {
  readonly method: "loadPreview" | "switchToLive";
  readonly state: BoundaryState;
  readonly pending: boolean;
  /** State the pending request was made in, if one is pending. */
  readonly requestState: BoundaryState | undefined;
  readonly phase: string;
  readonly atMs: number;
  readonly params: LoadPreviewParams | SwitchToLiveParams;
}

describe("ChannelManager invariants under random viewers, engine answers and time", () => {
  it("hold after every step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(6_000, 10_000, 30_000),
        fc.integer({ min: 0, max: 60_000 }),
        fc.array(actionArb, { minLength: 1, maxLength: 30 }),
        async (segmentMs, offsetMs, actions) => {
          const schedule = new FixedSchedule(1, segmentMs);
          const h = createHarness({ schedule, startMs: T0 + offsetMs });
          const probes: CallProbe[] = [];
          let requestState: BoundaryState | undefined;
          const engine = h.engine as FakeEngine & Record<string, unknown>;
          const originalLoad = engine.loadPreview.bind(engine);
          const originalSwitch = engine.switchToLive.bind(engine);
          const probe = (method: CallProbe["method"], params: CallProbe["params"]): void => {
            probes.push({
              method,
              state: h.manager.boundaryState,
              pending: h.manager.teardownPending,
              requestState: h.manager.teardownPending ? requestState : undefined,
              phase: h.manager.lifePhase,
              atMs: h.clock.now(),
              params,
            });
          };
          engine.loadPreview = (p: LoadPreviewParams, o?: EngineCallOptions): Promise<EngineOutcome> => {
            probe("loadPreview", p);
            return originalLoad(p, o);
          };
          engine.switchToLive = (p: SwitchToLiveParams, o?: EngineCallOptions): Promise<EngineOutcome<SwitchToLiveResult>> => {
            probe("switchToLive", p);
            return originalSwitch(p, o);
          };

          let terminalCalls: number | undefined;
          let deferredRequests = 0;
          let grantedAtCall: number | undefined;
          const switchTargets = new Set<number>();

          const check = (): void => {
            const m = h.manager;
            const state = m.boundaryState;
            // INV-LIVE-SESSION-AUTHORITY-001
            expect(m.isLive).toBe(state === "LIVE");
            // INV-BOUNDARY-LIFECYCLE-001: only legal moves, no violation.
            for (const e of h.events) if (e.type === "state") expect(isLegalBoundaryMove(e.from, e.to)).toBe(true);
            expect(h.logger.matching("INV-BOUNDARY-LIFECYCLE-001 VIOLATION")).toEqual([]);
            // One timer at most, none in terminal (INV-TERMINAL-TIMER-CLEARED-001).
            expect(h.tracked.armedCount).toBeLessThanOrEqual(1);
            if (state === "FAILED_TERMINAL") {
              expect(h.tracked.armedCount).toBe(0);
              expect(m.fatalReason).toBeDefined();
              terminalCalls ??= probes.length;
              // INV-TERMINAL-SCHEDULER-HALT-001: nothing sent after terminal entry.
              expect(probes.length).toBe(terminalCalls);
            } else {
              expect(terminalCalls).toBeUndefined(); // absorbing
            }
            // INV-TEARDOWN-STABLE-STATE-001 / GRACE-TIMEOUT-001
            if (m.teardownPending) {
              expect(isTransientState(state)).toBe(true);
              expect(h.clock.now()).toBeLessThan(m.teardownDeadlineMs!);
            }
            const ready = h.events.filter((e) => e.type === "teardown-ready");
            expect(ready.length).toBeLessThanOrEqual(deferredRequests);
            for (const r of ready) {
              if (r.type !== "teardown-ready") continue;
              expect(["NONE", "LIVE", "FAILED_TERMINAL"]).toContain(r.stateReached);
              expect(r.deferredMs).toBeLessThanOrEqual(10_000);
            }
            if (ready.length > 0 || m.lifePhase === "teardown_granted") grantedAtCall ??= probes.length;
            // INV-TEARDOWN-NO-NEW-WORK-001: no new work once released.
            if (grantedAtCall !== undefined) expect(probes.length).toBe(grantedAtCall);
            for (const p of probes) {
              expect(p.state).not.toBe("FAILED_TERMINAL");
              expect(p.phase).toBe("running");
              if (p.method === "loadPreview") {
                expect(p.pending).toBe(false);
                expect(p.state).toBe("PLANNED");
              } else {
                const sp = p.params as SwitchToLiveParams;
                // Issued from the armed switch, on time, with the plan's exact target.
                expect(p.state).toBe("SWITCH_ISSUED");
                expect(sp.issuedAtTimeMs).toBe(p.atMs);
                expect(sp.targetBoundaryTimeMs - sp.issuedAtTimeMs).toBe(5500);
                // While a teardown is pending only an armed switch may fire (in-flight work).
                if (p.pending) expect(p.requestState).toBe("SWITCH_SCHEDULED");
              }
            }
            for (const p of probes) {
              if (p.method !== "switchToLive") continue;
              const target = (p.params as SwitchToLiveParams).targetBoundaryTimeMs;
              switchTargets.add(target);
            }
            // INV-SWITCH-ISSUANCE-ONESHOT-001: one SwitchToLive per target.
            expect(switchTargets.size).toBe(probes.filter((p) => p.method === "switchToLive").length);
          };

          await h.manager.start();
          await h.settle();
          check();
          for (const action of actions) {
            switch (action.kind) {
              case "advance":
                await h.advance(action.ms);
                break;
              case "next-timer": {
                // Jump to the next armed instant (the manager's or the fake engine's).
                const next = h.clock.nextDueAtMs;
                if (next !== undefined) await h.advanceTo(next);
                break;
              }
              case "request": {
                const wasPending = h.manager.teardownPending;
                const state = h.manager.boundaryState;
                const permitted = h.manager.requestTeardown("viewer_inactive");
                expect(permitted).toBe(!wasPending && !isTransientState(state));
                if (!permitted && !wasPending) {
                  deferredRequests += 1;
                  requestState = state;
                  expect(h.manager.teardownDeadlineMs).toBe(h.clock.now() + 10_000);
                }
                break;
              }
              case "cancel": {
                const wasPending = h.manager.teardownPending;
                expect(h.manager.cancelPendingTeardown()).toBe(wasPending);
                expect(h.manager.teardownPending).toBe(false);
                break;
              }
              case "tick":
                h.manager.tick();
                break;
              case "script":
                h.engine.script(action.method, action.answer);
                break;
            }
            await h.settle();
            check();
          }
          h.manager.dispose();
          expect(h.tracked.armedCount).toBe(0);
        },
      ),
      { numRuns: 600 },
    );
    // 600 random runs take ~2-5 s alone; CI runs every package's suite at once on 2 cores.
  }, 60_000);
});
