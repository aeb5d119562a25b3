import type { ContractServer } from "../../test/contract/support/contract-server.js";
import { enginePidOf } from "../../test/contract/support/spawned-engines.js";

/**
 * Ends channel `n`'s real engine process with SIGKILL (a crash: no StopChannel, no goodbye)
 * and returns its pid. Used by keep-the-picture.test.ts.
 */
export function killEngineProcess(server: ContractServer, n: number): number {
  const pid = enginePidOf(server, n);
  if (pid === undefined) throw new Error(`channel ${n} has no engine process to kill`);
  process.kill(pid, "SIGKILL");
  return pid;
}
