/** Result of one readiness check. */
export interface ReadinessResult {
  readonly ok: boolean;
  /** Why not ready (or a short status), for operators. */
  readonly detail?: string;
}

/** A named readiness check; it should answer fast (it is bounded by `checkTimeoutMs`). */
export interface ReadinessCheck {
  readonly name: string;
  check(): ReadinessResult | Promise<ReadinessResult>;
}

/** Every check's result, and whether all passed. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ReadinessResult>>;
}

/**
 * Runs every check concurrently, each bounded by `checkTimeoutMs` (a check that throws or
 * times out counts as not ready, with the reason in `detail`). Never rejects.
 */
export async function evaluateReadiness(checks: readonly ReadinessCheck[], checkTimeoutMs: number): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, ReadinessResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ReadinessResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `check timed out after ${checkTimeoutMs} ms` }), checkTimeoutMs);
      });
      try {
        const result = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
        return [c.name, result];
      } catch (error) {
        return [c.name, { ok: false, detail: error instanceof Error ? error.message : String(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
