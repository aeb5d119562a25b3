import type { ContractServer } from "../../test/contract/support/contract-server.js";
import { enginePidOf } from "../../test/contract/support/spawned-engines.js";

/**
 * EXTENSION POINT for issue 13 ("Keep the picture"): ends channel `n`'s real engine process
 * with SIGKILL (a crash: no StopChannel, no goodbye) and returns its pid. The case "engine
 * killed → viewers kept, bytes resume" is written on this once issue 13 defines what a
 * viewer sees; no test here pins today's behaviour (the session fails and viewers are cut).
 */
export function killEngineProcess(server: ContractServer, n: number): number {
  const pid = enginePidOf(server, n);
  if (pid === undefined) throw new Error(`channel ${n} has no engine process to kill`);
  process.kill(pid, "SIGKILL");
  return pid;
}
