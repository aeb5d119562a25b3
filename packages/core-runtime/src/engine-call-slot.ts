/** One engine call in flight: its abort controller and the generation it was issued in. */
export interface EngineCallTicket {
  readonly signal: AbortSignal;
  readonly controller: AbortController;
  readonly generation: number;
}

/**
 * Holds the manager's single engine call in flight. Each call gets an AbortSignal; its
 * answer counts only if it is still the current call of the current generation.
 * {@link invalidate} (terminal entry, dispose) aborts the call and makes every
 * outstanding answer stale, so late answers are ignored.
 * @internal
 */
export class EngineCallSlot {
  private generation = 0;
  private current: EngineCallTicket | undefined;

  /** True while a call is in flight. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Starts a call (replacing any previous one without aborting it). */
  begin(): EngineCallTicket {
    const controller = new AbortController();
    const ticket = { signal: controller.signal, controller, generation: this.generation };
    this.current = ticket;
    return ticket;
  }

  /** True (and frees the slot) when `ticket`'s answer is still current; false for a stale answer. */
  accept(ticket: EngineCallTicket): boolean {
    if (ticket !== this.current || ticket.generation !== this.generation) return false;
    this.current = undefined;
    return true;
  }

  /** Aborts the call in flight and makes every outstanding ticket stale. */
  invalidate(): void {
    this.generation += 1;
    const call = this.current;
    this.current = undefined;
    call?.controller.abort();
  }
}
