/**
 * A FIFO of events delivered one at a time: an event posted while another is being
 * delivered (e.g. by a listener that calls back into its source) waits its turn, so
 * listeners always see events in the order they were raised. A throwing listener is
 * reported through `onListenerError` and does not stop delivery.
 * @internal
 */
export class EventMailbox<E> {
  private readonly queue: E[] = [];
  private readonly listeners = new Set<(event: E) => void>();
  private delivering = false;
  private closed = false;

  constructor(private readonly onListenerError: (error: unknown, event: E) => void) {}

  /** Adds a listener; returns its unsubscribe function (idempotent). */
  subscribe(listener: (event: E) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: E): void => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Queues an event; call {@link deliver} to run the queue. Ignored once closed. */
  post(event: E): void {
    if (!this.closed) this.queue.push(event);
  }

  /** Delivers queued events unless a delivery is already running further up the stack. */
  deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (error) {
            this.onListenerError(error, event);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Drops queued events and listeners; later posts are ignored. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.listeners.clear();
  }
}
