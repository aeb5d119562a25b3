import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOUNDARY_STATES, type BoundaryState } from "../../src/index.js";
import { dueRule, nextDueAtMs, type TimeRuleInput } from "../../src/boundary/boundary-time-rules.js";

const plan = { boundaryMs: 20_000, preloadAtMs: 13_000, switchIssueAtMs: 14_500 };
const base = (state: BoundaryState, extra: Partial<TimeRuleInput> = {}): TimeRuleInput => ({
  state,
  running: true,
  plan,
  loadPreviewInFlight: false,
  switchAnswerTimeoutMs: 5000,
  ...extra,
});

describe("time rules", () => {
  it("has no rule and no due instant in FAILED_TERMINAL (INV-TERMINAL-SCHEDULER-HALT-001)", () => {
    const input = base("FAILED_TERMINAL", { teardownDeadlineMs: 100, loadPreviewRetryAtMs: 50 });
    expect(dueRule(input, 1e12)).toBeUndefined();
    expect(nextDueAtMs(input)).toBeUndefined();
  });

  it("grace expiry is inclusive and outranks every other rule", () => {
    const input = base("SWITCH_SCHEDULED", { teardownDeadlineMs: 14_500 });
    expect(dueRule(input, 14_499)).toBeUndefined();
    expect(dueRule(input, 14_500)).toBe("grace-expired");
  });

  it("a pending teardown blocks preload and retries but not the armed switch", () => {
    expect(dueRule(base("LIVE", { teardownDeadlineMs: 99_999 }), 13_000)).toBeUndefined();
    expect(dueRule(base("PLANNED", { teardownDeadlineMs: 99_999, loadPreviewRetryAtMs: 13_100 }), 13_200)).toBeUndefined();
    expect(dueRule(base("SWITCH_SCHEDULED", { teardownDeadlineMs: 99_999 }), 14_500)).toBe("issue-switch");
    expect(dueRule(base("PRELOAD_ISSUED", { teardownDeadlineMs: 99_999 }), 14_000)).toBeUndefined();
    expect(dueRule(base("PRELOAD_ISSUED", { teardownDeadlineMs: 99_999 }), 14_500)).toBe("switch-missed");
  });

  it("maps each state to its rule at its instant", () => {
    expect(dueRule(base("LIVE"), 12_999)).toBeUndefined();
    expect(dueRule(base("LIVE"), 13_000)).toBe("preload");
    expect(dueRule(base("PLANNED"), 14_499)).toBeUndefined();
    expect(dueRule(base("PLANNED"), 14_500)).toBe("preload-missed");
    expect(dueRule(base("PLANNED", { loadPreviewRetryAtMs: 13_250 }), 13_250)).toBe("retry-preload");
    expect(dueRule(base("PRELOAD_ISSUED"), 13_000)).toBe("arm-switch");
    expect(dueRule(base("SWITCH_ISSUED"), 24_999)).toBeUndefined();
    expect(dueRule(base("SWITCH_ISSUED"), 25_000)).toBe("switch-unanswered");
    expect(dueRule(base("LIVE", { running: false }), 13_000)).toBeUndefined();
  });

  it("a rule is due at the computed next instant, and none before it (so the one timer is enough)", () => {
    const inputArb = fc.record({
      state: fc.constantFrom(...BOUNDARY_STATES),
      running: fc.boolean(),
      pending: fc.option(fc.integer({ min: 0, max: 40_000 }), { nil: undefined }),
      retry: fc.option(fc.integer({ min: 0, max: 40_000 }), { nil: undefined }),
      inFlight: fc.boolean(),
      now: fc.integer({ min: 0, max: 40_000 }),
    });
    fc.assert(
      fc.property(inputArb, ({ state, running, pending, retry, inFlight, now }) => {
        const input: TimeRuleInput = {
          state,
          running,
          plan,
          loadPreviewInFlight: inFlight,
          switchAnswerTimeoutMs: 5000,
          ...(pending !== undefined ? { teardownDeadlineMs: pending } : {}),
          ...(retry !== undefined ? { loadPreviewRetryAtMs: retry } : {}),
        };
        const next = nextDueAtMs(input);
        // PRELOAD_ISSUED without a pending request arms at once, whatever the instant.
        if (state === "PRELOAD_ISSUED" && pending === undefined && running) {
          expect(dueRule(input, now)).toBe("arm-switch");
          return;
        }
        if (next === undefined) {
          expect(dueRule(input, now)).toBeUndefined();
          return;
        }
        expect(dueRule(input, next)).toBeDefined();
        if (now < next) expect(dueRule(input, now)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
