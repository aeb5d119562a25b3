import { ChannelManager, type BoundaryState } from "../../src/index.js";

/** A ChannelManager that lets a test attempt any move through the manager's own move path. */
export class ProbeManager extends ChannelManager {
  /** Attempts `to`, then runs a tick so the resulting events are delivered. Returns the state entered. */
  attempt(to: BoundaryState, reason?: string): BoundaryState {
    const entered = this.moveTo(to, reason).to;
    this.tick();
    return entered;
  }

  /** Attempts `to` without a tick: the manager holds the state until its next input. */
  attemptQuietly(to: BoundaryState): BoundaryState {
    return this.moveTo(to).to;
  }
}
