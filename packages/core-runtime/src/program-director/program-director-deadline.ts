import type { Clock, TimerHandle } from "../ports/clock.js";
import type { EngineCallOptions, EngineOutcome } from "../ports/playout-engine.js";

/** How a bounded wait ended. */
export type BoundedResult<T> =
  | { readonly kind: "done"; readonly value: T }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "timeout" }
  | { readonly kind: "aborted" };

/**
 * Waits for `work` at most `timeoutMs` on `clock` (undefined: no limit), or until `signal` aborts — whichever
 * comes first. Never rejects; the timer and the abort listener are released on every
 * path, so nothing fires after it settles. The work itself is not cancelled here (pass
 * it a signal for that); a late result is ignored.
 *
 * @internal
 */
export function boundedWait<T>(
  clock: Clock,
  timeoutMs: number | undefined,
  work: Promise<T>,
  signal?: AbortSignal,
): Promise<BoundedResult<T>> {
  if (signal?.aborted) return Promise.resolve({ kind: "aborted" });
  return new Promise((resolve) => {
    let settled = false;
    let timer: TimerHandle | undefined;
    const settle = (result: BoundedResult<T>): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = (): void => settle({ kind: "aborted" });
    if (timeoutMs !== undefined) timer = clock.setTimeout(() => settle({ kind: "timeout" }), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => settle({ kind: "done", value }),
      (error: unknown) => settle({ kind: "error", error }),
    );
  });
}

/**
 * Runs one engine call under a deadline on `clock` (the director does not trust the
 * adapter's own deadline: a hung StopChannel must not stall teardown). The call gets a
 * signal that aborts on timeout or when `parent` aborts; a timeout becomes a
 * `deadline_exceeded` failure, a parent abort an `aborted` one.
 *
 * @internal
 */
export async function callEngine<T>(
  clock: Clock,
  timeoutMs: number,
  parent: AbortSignal | undefined,
  call: (options: EngineCallOptions) => Promise<EngineOutcome<T>>,
): Promise<EngineOutcome<T>> {
  const controller = new AbortController();
  const result = await boundedWait(clock, timeoutMs, call({ signal: controller.signal, timeoutMs }), parent);
  switch (result.kind) {
    case "done":
      return result.value;
    case "timeout":
      controller.abort();
      return { ok: false, failure: { kind: "error", error: "deadline_exceeded", message: `no answer within ${timeoutMs} ms` } };
    case "aborted":
      controller.abort();
      return { ok: false, failure: { kind: "error", error: "aborted", message: "aborted" } };
    case "error":
      return { ok: false, failure: { kind: "error", error: "unknown", message: String(result.error) } };
  }
}
