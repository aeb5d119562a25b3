/**
 * The tuner budget: at most `capacity` channel sessions hold an engine at once. A slot
 * is taken when a session is created and freed when its teardown has completed, so a
 * session that is still stopping keeps its slot (its engine is not free yet).
 */
export class TunerBudget {
  private readonly held = new Set<number>();

  /** @param capacity most concurrent sessions; an integer >= 1 (RangeError otherwise). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`tuner budget must be an integer >= 1, got ${capacity}`);
    }
  }

  /** Slots in use. */
  get inUse(): number {
    return this.held.size;
  }

  /** Takes a slot for `channelNumber`; false when all slots are taken. Re-taking a held slot is true. */
  tryAcquire(channelNumber: number): boolean {
    if (this.held.has(channelNumber)) return true;
    if (this.held.size >= this.capacity) return false;
    this.held.add(channelNumber);
    return true;
  }

  /** Frees the channel's slot; freeing a slot not held is a no-op. */
  release(channelNumber: number): void {
    this.held.delete(channelNumber);
  }
}
