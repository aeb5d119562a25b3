/** One engine call in flight: the signal it carries and the generation it was issued in. */
export interface EngineCallTicket {
  readonly signal: AbortSignal;
  readonly generation: number;
}

/**
 * Holds the manager's single engine call in flight. Every call carries the manager's
 * AbortSignal for the current generation (one controller per generation, not per call:
 * AbortSignals are costly to create); its answer counts only if it is still the current
 * call of the current generation. {@link invalidate} (terminal entry, dispose) aborts the
 * generation's signal — ending whatever call is in flight — and makes every outstanding
 * answer stale, so late answers are ignored.
 * @internal
 */
export class EngineCallSlot {
  private generation = 0;
  private controller: AbortController | undefined;
  private current: EngineCallTicket | undefined;

  /** True while a call is in flight. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Starts a call (a previous one, if any, becomes stale). */
  begin(): EngineCallTicket {
    this.controller ??= new AbortController();
    const ticket = { signal: this.controller.signal, generation: this.generation };
    this.current = ticket;
    return ticket;
  }

  /** True when `ticket` is still the current call of the current generation (the slot is not freed). */
  isCurrent(ticket: EngineCallTicket): boolean {
    return ticket === this.current && ticket.generation === this.generation;
  }

  /** True (and frees the slot) when `ticket`'s answer is still current; false for a stale answer. */
  accept(ticket: EngineCallTicket): boolean {
    if (ticket !== this.current || ticket.generation !== this.generation) return false;
    this.current = undefined;
    return true;
  }

  /** Aborts the generation's signal (and so the call in flight) and makes every outstanding ticket stale. */
  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
    const controller = this.controller;
    this.controller = undefined;
    controller?.abort();
  }
}
