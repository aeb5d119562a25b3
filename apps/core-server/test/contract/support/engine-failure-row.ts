import type { Scenario } from "./scenario.js";

/** The `/admin/channels` fields of a channel that tell how its engine failed and recovered (issue 13). */
export interface EngineFailureRow {
  readonly phase: string | null;
  readonly boundaryState: string | null;
  readonly restarts: number;
  readonly lastFailureReason: string | null;
  readonly lastFailureAt: string | null;
  readonly outputWatchdogTrips: number;
  readonly fatalReason: string | null;
  readonly badItems: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  readonly hub: { readonly splices: number } | null;
}

/** Channel `n`'s row of `/admin/channels`, read for its failure and recovery fields. */
export async function engineFailureRow(s: Scenario, n = 1): Promise<EngineFailureRow> {
  return (await s.channel(n)) as unknown as EngineFailureRow;
}
