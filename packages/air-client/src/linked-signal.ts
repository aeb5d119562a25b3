/**
 * An AbortSignal that aborts when any of `signals` aborts (with that signal's reason).
 * `cleanup()` removes every listener this added; call it on every exit path so long-lived
 * signals (the client's close signal) do not collect one listener per call.
 * @private Internal to air-client.
 */
export function linkSignals(...signals: readonly (AbortSignal | undefined)[]): {
  readonly signal: AbortSignal;
  readonly cleanup: () => void;
} {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, cleanup: () => {} };
  }
  const listeners = present.map((s) => {
    const onAbort = (): void => {
      controller.abort(s.reason);
      cleanup();
    };
    s.addEventListener("abort", onAbort, { once: true });
    return { s, onAbort };
  });
  const cleanup = (): void => {
    for (const { s, onAbort } of listeners) s.removeEventListener("abort", onAbort);
    listeners.length = 0;
  };
  return { signal: controller.signal, cleanup };
}

/**
 * Resolves after `ms`, or early when `signal` aborts; returns whether it was aborted.
 * The timer is cleared on abort, and the abort listener removed on expiry.
 * @private Internal to air-client.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
