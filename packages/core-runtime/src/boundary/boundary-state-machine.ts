import { Invariant, type BoundaryState } from "./boundary-state.js";
import { transition } from "./boundary-transition.js";
import type { Logger } from "../ports/logger.js";

/** What one call of {@link BoundaryStateMachine.moveTo} did. */
export interface BoundaryMove {
  readonly from: BoundaryState;
  /** The state asked for. */
  readonly requested: BoundaryState;
  /** The state entered: `requested`, or FAILED_TERMINAL when the move was illegal. */
  readonly to: BoundaryState;
  readonly legal: boolean;
  /** True only for the move that first entered FAILED_TERMINAL. */
  readonly enteredTerminal: boolean;
  readonly atMs: number;
}

/**
 * Holds a channel's boundary state; {@link moveTo} is the only way to change it, so every
 * move — failures included — goes through {@link transition} (INV-BOUNDARY-LIFECYCLE-001).
 * An illegal move logs `INV-BOUNDARY-LIFECYCLE-001 VIOLATION`, forces FAILED_TERMINAL and
 * records the fatal reason. The first fatal reason stands: FAILED_TERMINAL is absorbing.
 * @internal Used by ChannelManager; exported for tests.
 */
export class BoundaryStateMachine {
  private current: BoundaryState = "NONE";
  private fatal: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly onMove: (move: BoundaryMove) => void,
  ) {}

  get state(): BoundaryState {
    return this.current;
  }

  /** Why the channel is in FAILED_TERMINAL; undefined before. */
  get fatalReason(): string | undefined {
    return this.fatal;
  }

  /**
   * Moves to `to` through the legal-move table. `failureReason` is recorded as the fatal
   * reason when a legal move enters FAILED_TERMINAL.
   */
  moveTo(to: BoundaryState, failureReason?: string): BoundaryMove {
    const from = this.current;
    const atMs = this.now();
    const result = transition(from, to);
    if (!result.legal) {
      this.logger.error(
        { invariant: Invariant.BoundaryLifecycle, from, to, fatalReason: result.fatalReason, atMs },
        `${Invariant.BoundaryLifecycle} VIOLATION: ${result.fatalReason}`,
      );
      this.fatal ??= result.fatalReason;
    } else if (result.state === "FAILED_TERMINAL") {
      this.fatal ??= failureReason ?? `Failed in ${from}`;
    }
    this.current = result.state;
    const move: BoundaryMove = {
      from,
      requested: to,
      to: result.state,
      legal: result.legal,
      enteredTerminal: result.state === "FAILED_TERMINAL" && from !== "FAILED_TERMINAL",
      atMs,
    };
    if (result.legal) {
      this.logger.info({ invariant: Invariant.BoundaryLifecycle, from, to: result.state, atMs }, "boundary transition");
    }
    this.onMove(move);
    return move;
  }
}
