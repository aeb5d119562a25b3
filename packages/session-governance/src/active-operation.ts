import type { TimerHandle } from "./clock.js";
import type { OperationEnd, OperationHandle } from "./decisions.js";
import type { SessionId } from "./identifiers.js";
import type { SessionRow } from "./session-row.js";

/**
 * A running operation as the governor tracks it. Exactly one of `release()` or `end()`
 * takes effect (INV-SESSION-SLOT-RELEASE-001): both free the slot through `onFreed`,
 * once; `end()` also aborts `signal` with the reason, after the slot is free.
 * @private Created only by `SessionGovernor`.
 */
export class ActiveOperation implements OperationHandle {
  /** Timer of the next automatic recheck, if armed. */
  timer: TimerHandle | undefined;
  // Made on first use: short operations (status, heartbeat) rarely look at their signal.
  private controller: AbortController | undefined;
  private isReleased = false;
  private detachCaller: (() => void) | undefined;

  constructor(
    /** Identifies the governor that owns this handle. */
    readonly owner: object,
    readonly sessionId: SessionId,
    readonly operation: string,
    readonly admittedAtMs: number,
    readonly holdsSlot: boolean,
    private readonly onFreed: (op: ActiveOperation, ended: boolean) => void,
    /** The session's row as the gate read it at admission (so the host need not read it again). */
    readonly admittedRow?: SessionRow,
  ) {}

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  get released(): boolean {
    return this.isReleased;
  }

  release(): void {
    this.free(false);
  }

  /** Stops the operation: frees the slot, then aborts `signal` with `why`. No-op once released. */
  end(why: OperationEnd): void {
    if (this.free(true)) {
      this.controller ??= new AbortController();
      this.controller.abort(why);
    }
  }

  /** Ends the operation when the caller's signal aborts (the client went away). */
  follow(callerSignal: AbortSignal): void {
    if (callerSignal.aborted) {
      this.end({ kind: "aborted", cause: callerSignal.reason });
      return;
    }
    const onAbort = (): void => this.end({ kind: "aborted", cause: callerSignal.reason });
    callerSignal.addEventListener("abort", onAbort, { once: true });
    this.detachCaller = () => callerSignal.removeEventListener("abort", onAbort);
  }

  private free(ended: boolean): boolean {
    if (this.isReleased) return false;
    this.isReleased = true;
    this.detachCaller?.();
    this.detachCaller = undefined;
    if (this.holdsSlot) this.onFreed(this, ended);
    return true;
  }
}
