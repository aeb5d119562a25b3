import type { BoundaryState } from "./boundary-state.js";

/**
 * The legal-move table of LIFECYCLE.md: NONE→PLANNED→PRELOAD_ISSUED→SWITCH_SCHEDULED→
 * SWITCH_ISSUED→LIVE; LIVE→PLANNED (next boundary) or LIVE→NONE (nothing more scheduled);
 * each transient state → FAILED_TERMINAL. Nothing leaves FAILED_TERMINAL.
 */
export const LEGAL_BOUNDARY_MOVES: Readonly<Record<BoundaryState, readonly BoundaryState[]>> = Object.freeze({
  NONE: ["PLANNED"],
  PLANNED: ["PRELOAD_ISSUED", "FAILED_TERMINAL"],
  PRELOAD_ISSUED: ["SWITCH_SCHEDULED", "FAILED_TERMINAL"],
  SWITCH_SCHEDULED: ["SWITCH_ISSUED", "FAILED_TERMINAL"],
  SWITCH_ISSUED: ["LIVE", "FAILED_TERMINAL"],
  LIVE: ["PLANNED", "NONE"],
  FAILED_TERMINAL: [],
});

/** True when `from → to` is in {@link LEGAL_BOUNDARY_MOVES}. Self-loops are never legal. */
export function isLegalBoundaryMove(from: BoundaryState, to: BoundaryState): boolean {
  return LEGAL_BOUNDARY_MOVES[from].includes(to);
}

/** Result of {@link transition}: the state to enter, and why the move was refused if it was. */
export type BoundaryTransitionResult =
  | { readonly legal: true; readonly from: BoundaryState; readonly state: BoundaryState }
  | { readonly legal: false; readonly from: BoundaryState; readonly attempted: BoundaryState; readonly state: "FAILED_TERMINAL"; readonly fatalReason: string };

/**
 * The one transition function (INV-BOUNDARY-LIFECYCLE-001), pure: a legal move yields
 * its target; an illegal one yields FAILED_TERMINAL with the fatal reason
 * "Illegal boundary state transition: A -> B".
 */
export function transition(from: BoundaryState, to: BoundaryState): BoundaryTransitionResult {
  if (isLegalBoundaryMove(from, to)) return { legal: true, from, state: to };
  return {
    legal: false,
    from,
    attempted: to,
    state: "FAILED_TERMINAL",
    fatalReason: `Illegal boundary state transition: ${from} -> ${to}`,
  };
}
