import type { Logger } from "pino";

/** Default waits before the next start after 1, 2, 3… consecutive pool failures, ms. */
export const DEFAULT_POOL_BACKOFF_MS: readonly number[] = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

/** A pooled engine that died sooner than this after it was ready counts as a failure, ms. */
export const POOL_STABLE_MS = 10_000;

/** What the pool needs to know of an engine it holds. */
export interface PoolMember {
  readonly pid: number | undefined;
  /** Resolves when the process has ended. */
  readonly exited: Promise<unknown>;
  /** True once the process has ended. */
  readonly ended: boolean;
}

/** A start the pool asked for: a ready engine, or why not (the process is already ended). */
export type PoolStart<T extends PoolMember> = { readonly ok: true; readonly engine: T } | { readonly ok: false; readonly message: string };

/** Options of {@link EnginePool}. */
export interface EnginePoolOptions<T extends PoolMember> {
  /** Ready engines to keep, 0–16 (0: the pool does nothing). */
  readonly size: number;
  /** Starts one engine and waits until it is ready; `signal` aborts (the start then ends its process). */
  readonly start: (signal: AbortSignal) => Promise<PoolStart<T>>;
  /** Ends an engine the pool holds (shutdown, or it is no longer wanted). */
  readonly end: (engine: T, reason: string) => Promise<void>;
  readonly logger: Logger;
  /** Waits after consecutive failures; the last repeats. Default {@link DEFAULT_POOL_BACKOFF_MS}. */
  readonly backoffMs?: readonly number[];
  /** Milliseconds clock for the stability rule. Default `performance.now`-like `Date.now`. */
  readonly now?: () => number;
}

/** What the pool holds now, for readiness and the admin API. */
export interface EnginePoolStatus {
  readonly size: number;
  readonly ready: number;
  readonly starting: number;
  readonly consecutiveFailures: number;
}

interface Idle<T> {
  readonly engine: T;
  readonly readyAtMs: number;
}

/**
 * Keeps `size` started, ready engine processes so a tune-in takes one instead of spawning
 * (issue 12, item 4). `take` hands one over and refills in the background; an idle engine
 * that dies is replaced. Failed starts, and idle engines that die within
 * {@link POOL_STABLE_MS} of being ready, count as consecutive failures: the next start
 * waits the backoff, so a broken binary never spins. A taken engine resets the count
 * (it served). `close` stops refilling and ends every engine the pool holds or is starting.
 */
export class EnginePool<T extends PoolMember> {
  private readonly idle: Array<Idle<T>> = [];
  private readonly starting = new Set<{ readonly abort: AbortController; readonly done: Promise<void> }>();
  private readonly ending = new Set<Promise<void>>();
  private readonly backoffMs: readonly number[];
  private readonly now: () => number;
  private readonly log: Logger;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: EnginePoolOptions<T>) {
    if (!Number.isInteger(options.size) || options.size < 0 || options.size > 16) throw new RangeError(`pool size must be an integer 0-16, got ${options.size}`);
    this.backoffMs = options.backoffMs ?? DEFAULT_POOL_BACKOFF_MS;
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ component: "engine-pool" });
  }

  status(): EnginePoolStatus {
    return { size: this.options.size, ready: this.idle.length, starting: this.starting.size, consecutiveFailures: this.failures };
  }

  /** Starts engines until `size` are ready or starting (unless waiting out a backoff). */
  fill(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    while (this.idle.length + this.starting.size < this.options.size) this.startOne();
  }

  /** A ready engine, or undefined when none is (the caller spawns one itself). Refills in the background. */
  take(): T | undefined {
    let taken: T | undefined;
    while (taken === undefined && this.idle.length > 0) {
      const next = this.idle.shift() as Idle<T>;
      if (!next.engine.ended) taken = next.engine;
    }
    if (taken !== undefined) {
      this.failures = 0;
      this.log.debug({ pid: taken.pid, ready: this.idle.length }, "took a ready engine from the pool");
    }
    this.fill();
    return taken;
  }

  /** Stops refilling; ends every held engine and every start in flight. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const held = this.idle.splice(0);
    for (const s of this.starting) s.abort.abort();
    for (const { engine } of held) this.track(this.options.end(engine, "shutdown"));
    await Promise.all([...this.starting].map((s) => s.done));
    // Starts that finished meanwhile handed their engine to `end` too.
    await Promise.all([...this.ending]);
  }

  private startOne(): void {
    const abort = new AbortController();
    const entry = { abort, done: Promise.resolve() };
    const done = (async () => {
      const started = await this.options.start(abort.signal).catch((error: unknown): PoolStart<T> => ({ ok: false, message: String(error) }));
      this.starting.delete(entry);
      if (!started.ok) {
        if (!this.closed) this.failed(`start failed: ${started.message}`);
        return;
      }
      if (this.closed) {
        this.track(this.options.end(started.engine, "shutdown"));
        return;
      }
      const idle: Idle<T> = { engine: started.engine, readyAtMs: this.now() };
      this.idle.push(idle);
      this.log.info({ pid: started.engine.pid, ready: this.idle.length, size: this.options.size }, "pooled engine ready");
      void started.engine.exited.then(() => this.onExited(idle));
    })();
    entry.done = done;
    this.starting.add(entry);
  }

  private onExited(idle: Idle<T>): void {
    const at = this.idle.indexOf(idle);
    if (at < 0 || this.closed) return; // taken, or shutting down
    this.idle.splice(at, 1);
    const livedMs = this.now() - idle.readyAtMs;
    if (livedMs < POOL_STABLE_MS) return this.failed(`a pooled engine (pid ${idle.engine.pid}) died ${livedMs} ms after it was ready`);
    this.log.warn({ pid: idle.engine.pid, livedMs }, "a pooled engine died; replacing it");
    this.fill();
  }

  private failed(why: string): void {
    this.failures++;
    const delayMs = this.backoffMs[Math.min(this.failures, this.backoffMs.length) - 1] ?? 0;
    this.log.warn({ why, consecutiveFailures: this.failures, retryInMs: delayMs }, "engine pool could not keep an engine ready; retrying after a backoff");
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, delayMs);
    this.retryTimer.unref();
  }

  private track(ending: Promise<void>): void {
    const p = ending.catch(() => undefined).finally(() => this.ending.delete(p));
    this.ending.add(p);
  }
}
