import { describe, expect, it } from "vitest";
import { BOUNDARY_STATES, LEGAL_BOUNDARY_MOVES, isLegalBoundaryMove, transition, type BoundaryState } from "../../src/index.js";
import { BoundaryStateMachine } from "../../src/boundary/boundary-state-machine.js";
import { CaptureLogger } from "../helpers/capture-logger.js";
import { createHarness } from "../helpers/harness.js";

const LEGAL: ReadonlyArray<readonly [BoundaryState, BoundaryState]> = [
  ["NONE", "PLANNED"],
  ["PLANNED", "PRELOAD_ISSUED"],
  ["PRELOAD_ISSUED", "SWITCH_SCHEDULED"],
  ["SWITCH_SCHEDULED", "SWITCH_ISSUED"],
  ["SWITCH_ISSUED", "LIVE"],
  ["LIVE", "PLANNED"],
  ["LIVE", "NONE"],
  ["PLANNED", "FAILED_TERMINAL"],
  ["PRELOAD_ISSUED", "FAILED_TERMINAL"],
  ["SWITCH_SCHEDULED", "FAILED_TERMINAL"],
  ["SWITCH_ISSUED", "FAILED_TERMINAL"],
];
const isListedLegal = (from: BoundaryState, to: BoundaryState): boolean => LEGAL.some(([f, t]) => f === from && t === to);

/** All 49 (from, to) pairs with the expected verdict. */
const PAIRS = BOUNDARY_STATES.flatMap((from) => BOUNDARY_STATES.map((to) => [from, to, isListedLegal(from, to)] as const));

/** Legal path from NONE to each state, for the pure machine. */
const PATH: Record<BoundaryState, BoundaryState[]> = {
  NONE: [],
  PLANNED: ["PLANNED"],
  PRELOAD_ISSUED: ["PLANNED", "PRELOAD_ISSUED"],
  SWITCH_SCHEDULED: ["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED"],
  SWITCH_ISSUED: ["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED"],
  LIVE: ["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED", "LIVE"],
  FAILED_TERMINAL: ["PLANNED", "FAILED_TERMINAL"],
};

describe("INV-BOUNDARY-LIFECYCLE-001 legal-move table", () => {
  it("has exactly the 11 legal moves of LIFECYCLE.md", () => {
    const table = BOUNDARY_STATES.flatMap((from) => LEGAL_BOUNDARY_MOVES[from].map((to) => [from, to] as const));
    expect(new Set(table.map(([f, t]) => `${f}->${t}`))).toEqual(new Set(LEGAL.map(([f, t]) => `${f}->${t}`)));
    expect(PAIRS).toHaveLength(49);
    expect(PAIRS.filter(([, , legal]) => legal)).toHaveLength(11);
  });

  it.each(PAIRS)("transition(%s, %s): legal=%s", (from, to, legal) => {
    expect(isLegalBoundaryMove(from, to)).toBe(legal);
    const result = transition(from, to);
    if (legal) {
      expect(result).toEqual({ legal: true, from, state: to });
    } else {
      expect(result).toEqual({
        legal: false,
        from,
        attempted: to,
        state: "FAILED_TERMINAL",
        fatalReason: `Illegal boundary state transition: ${from} -> ${to}`,
      });
    }
  });
});

describe("INV-BOUNDARY-LIFECYCLE-001 state machine", () => {
  it.each(PAIRS)("%s -> %s (legal=%s) goes through the one transition function", (from, to, legal) => {
    const logger = new CaptureLogger();
    const moves: string[] = [];
    const machine = new BoundaryStateMachine(logger, () => 42, (m) => moves.push(`${m.from}->${m.to}`));
    for (const step of PATH[from]) machine.moveTo(step, "setup");
    const reasonBefore = machine.fatalReason;
    const move = machine.moveTo(to, "test failure");
    const violations = logger.entries.filter((e) => e.message.includes("INV-BOUNDARY-LIFECYCLE-001 VIOLATION"));
    if (legal) {
      expect(machine.state).toBe(to);
      expect(move).toMatchObject({ from, requested: to, to, legal: true });
      expect(violations).toEqual([]);
      if (to === "FAILED_TERMINAL") expect(machine.fatalReason).toBe("test failure");
    } else {
      expect(machine.state).toBe("FAILED_TERMINAL");
      expect(move).toMatchObject({ from, requested: to, to: "FAILED_TERMINAL", legal: false });
      expect(violations).toHaveLength(1);
      expect(violations[0]!.level).toBe("error");
      expect(violations[0]!.fields).toMatchObject({ invariant: "INV-BOUNDARY-LIFECYCLE-001", from, to });
      // The first fatal reason stands once terminal (absorbing); otherwise the illegal move is the reason.
      expect(machine.fatalReason).toBe(from === "FAILED_TERMINAL" ? reasonBefore : `Illegal boundary state transition: ${from} -> ${to}`);
    }
    expect(moves[moves.length - 1]).toBe(`${from}->${machine.state}`);
  });
});

describe("INV-BOUNDARY-LIFECYCLE-001 in the ChannelManager", () => {
  it.each(PAIRS)("%s -> %s (legal=%s): an illegal move forces FAILED_TERMINAL with the fatal reason", async (from, to, legal) => {
    const h = createHarness();
    await h.driveTo(from);
    const reasonBefore = h.manager.fatalReason;
    const entered = h.manager.attempt(to, "test failure");
    await h.settle();
    if (legal) {
      expect(entered).toBe(to);
      expect(h.logger.matching("INV-BOUNDARY-LIFECYCLE-001 VIOLATION")).toEqual([]);
    } else {
      expect(entered).toBe("FAILED_TERMINAL");
      expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
      expect(h.manager.fatalReason).toBe(from === "FAILED_TERMINAL" ? reasonBefore : `Illegal boundary state transition: ${from} -> ${to}`);
      expect(h.logger.matching("INV-BOUNDARY-LIFECYCLE-001 VIOLATION")).toHaveLength(1);
      // Terminal entry by an illegal move clears every timer too (INV-TERMINAL-TIMER-CLEARED-001).
      expect(h.tracked.armedCount).toBe(0);
      const calls = h.engineCalls();
      await h.advance(120_000);
      expect(h.engineCalls()).toBe(calls);
      expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    }
  });

  it("moves only along legal edges in a normal run, and reports each move as an event and a metric", async () => {
    const h = createHarness();
    await h.startLive();
    await h.advance(200_000);
    const stateEvents = h.events.flatMap((e) => (e.type === "state" ? [[e.from, e.to] as const] : []));
    expect(stateEvents.length).toBeGreaterThan(20);
    for (const [from, to] of stateEvents) expect(isLegalBoundaryMove(from, to)).toBe(true);
    expect(h.metrics.transitions).toEqual(stateEvents);
    expect(h.logger.matching("INV-BOUNDARY-LIFECYCLE-001 VIOLATION")).toEqual([]);
  });
});
