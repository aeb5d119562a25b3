/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Pause between checks, ms. Default 25. */
  readonly intervalMs?: number;
  /** Named in the timeout error. */
  readonly what?: string;
}

/**
 * Polls `check` until it returns a value other than undefined/false and resolves with it.
 * Rejects after the bound, naming `what` and the last value seen. Bounded waits on
 * observable conditions replace fixed sleeps throughout the suite.
 */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what ?? "a condition"}${detail}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}

/** A plain real-time pause (only for "nothing happens during this window" checks). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
