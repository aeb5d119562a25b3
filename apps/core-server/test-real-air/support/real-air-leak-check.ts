import { expect } from "vitest";
import { openContractServers } from "../../test/contract/support/contract-server.js";
import { assertNothingLeaks } from "../../test/contract/support/leak-check.js";
import { openViewers } from "../../test/contract/support/viewer.js";
import { waitFor } from "../../test/contract/support/wait.js";
import { realEnginePids } from "./engine-processes.js";
import { REAL_TIMING } from "./real-air-scenario.js";
import { openCaptures } from "./stream-capture.js";

interface AdminSummary {
  readonly channelsPlaying: number;
  readonly viewers: number;
}

/**
 * afterEach of the real suite. First, with the servers still up: every viewer leaves, and
 * each server must come to rest on its own — no channel playing, no viewer (no open stream)
 * — within the engine-gone bound. Then the contract suite's check closes the servers and
 * asserts no child process, socket file, HTTP connection, armed timer or extra handle is
 * left; and last, no process running the real engine binary is left in the process table.
 */
export async function assertRealAirLeavesNothing(): Promise<void> {
  const failures: string[] = [];
  for (const c of openCaptures()) await c.leave();
  for (const v of openViewers()) v.leave();
  for (const s of openContractServers()) {
    try {
      await waitFor(async () => {
        const summary = (await s.admin("/admin/channels")).json as AdminSummary;
        return summary.channelsPlaying === 0 && summary.viewers === 0;
      }, { what: `server ${s.baseUrl} at rest (no channel playing, no viewer)`, timeoutMs: REAL_TIMING.processGoneMs });
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  await assertNothingLeaks({ settleMs: 5_000 });
  const engines = realEnginePids();
  if (engines.length > 0) failures.push(`real engine process(es) left: ${engines.join(", ")}`);
  expect(failures, failures.join("\n")).toEqual([]);
}
