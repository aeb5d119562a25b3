import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { openContractServers, removeTempDirs, type ContractServer } from "./contract-server.js";
import { fakeAirPids, runningFakeAirProcesses } from "./fake-air-process.js";
import { openViewers } from "./viewer.js";
import { waitFor } from "./wait.js";

/** Counts of the OS-level handles the suite can leak: sockets, servers, child processes, pipes. */
export interface HandleCounts {
  readonly sockets: number;
  readonly servers: number;
  readonly children: number;
  readonly pipes: number;
  readonly timeouts: number;
}

type HandleProcess = NodeJS.Process & { _getActiveHandles(): unknown[] };

/**
 * Counts the active handles by kind. `net.Socket` covers TCP, Unix-socket and HTTP
 * connections (also HTTP/2 sessions' sockets); `net.Server` covers HTTP and Unix
 * listeners; `ChildProcess` covers engine and fake processes; `Pipe` a child's stdio.
 * `timeouts` (from `process.getActiveResourcesInfo()`) is reported for diagnosis only:
 * the test runner's own timers are in it; the server's are asserted on its clock.
 */
export function countHandles(): HandleCounts {
  let sockets = 0;
  let servers = 0;
  let children = 0;
  let pipes = 0;
  for (const handle of (process as HandleProcess)._getActiveHandles()) {
    const name = (handle as { constructor?: { name?: string } })?.constructor?.name ?? "";
    // The worker's own stdio streams are sockets or pipes too; they are in the baseline.
    if (name === "Socket" || name === "TLSSocket") sockets++;
    else if (name === "Server") servers++;
    else if (name === "ChildProcess") children++;
    else if (name === "Pipe") pipes++;
  }
  const timeouts = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  return { sockets, servers, children, pipes, timeouts };
}

/** Child processes of this process that are still alive (from /proc; zombies count as gone). */
export function liveChildPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join("/proc", entry, "stat"), "utf8");
      // pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const state = rest[0];
      const ppid = Number(rest[1]);
      if (ppid === process.pid && state !== "Z" && state !== "X") pids.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return pids;
}

/** Whether the process exists (signal 0 probes without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Socket files anywhere under `dir` (recursive). */
export function socketFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      try {
        const st = lstatSync(path);
        if (st.isSocket()) found.push(path);
        else if (st.isDirectory()) walk(path);
      } catch {
        // Removed while walking.
      }
    }
  };
  walk(dir);
  return found;
}

let baseline: HandleCounts | undefined;

/** beforeEach: records the handle baseline the after-test check compares with. */
export function recordBaseline(): void {
  baseline = countHandles();
}

/**
 * afterEach: ends viewers, closes every server, kills every fake process, then asserts
 * that nothing is left — no live child process, no socket file in any server's data dir,
 * no open HTTP connection, no timer armed on any server's clock, and no socket, server,
 * child-process or pipe handle above the baseline taken before the test. Handles are given
 * a bounded moment (`settleMs`, default 3000) to finish closing (the kernel and libuv
 * close asynchronously); a count still above baseline after that fails the test. Leaked
 * engine processes are killed once reported.
 */
export async function assertNothingLeaks(options: { settleMs?: number } = {}): Promise<void> {
  const settleMs = options.settleMs ?? 3_000;
  const servers: ContractServer[] = [...openContractServers()];
  for (const v of openViewers()) v.leave();
  const failures: string[] = [];
  try {
    for (const s of servers) await s.close();
    for (const s of servers) {
      if (s.server.openConnections !== 0) failures.push(`server ${s.baseUrl}: ${s.server.openConnections} open HTTP connection(s)`);
      if (s.clock.armedCount !== 0) {
        failures.push(`server ${s.baseUrl}: ${s.clock.armedCount} timer(s) still armed on its clock: ${JSON.stringify(s.clock.armed())}`);
      }
      const sockets = socketFilesUnder(s.dataDir);
      if (sockets.length > 0) failures.push(`socket files left: ${sockets.join(", ")}`);
    }
    // Engine processes the server spawned must be gone by now (it closed); fakes the test
    // started are killed here, so what remains is a leak of the server's.
    const fakes = new Set(fakeAirPids());
    const engineChildren = liveChildPids().filter((pid) => !fakes.has(pid));
    if (engineChildren.length > 0) {
      failures.push(`engine process(es) still running after close: ${engineChildren.join(", ")}`);
      // Reported; now ended, so one failure does not leak into the next test or outlive the run.
      for (const pid of engineChildren) killQuietly(pid);
    }
    for (const f of runningFakeAirProcesses()) await f.kill();
    for (const pid of fakeAirPids()) killQuietly(pid);
    try {
      await waitFor(() => liveChildPids().length === 0, { timeoutMs: settleMs, what: "child processes to exit" });
    } catch {
      failures.push(`child processes still alive: ${liveChildPids().join(", ")}`);
    }
    if (baseline !== undefined) {
      const base = baseline;
      try {
        await waitFor(
          () => {
            const now = countHandles();
            return now.sockets <= base.sockets && now.servers <= base.servers && now.children <= base.children && now.pipes <= base.pipes;
          },
          { timeoutMs: settleMs, what: "handles back to baseline" },
        );
      } catch {
        failures.push(`handles above baseline: before ${JSON.stringify(base)}, after ${JSON.stringify(countHandles())}`);
      }
    }
  } finally {
    removeTempDirs();
  }
  expect(failures, failures.join("\n")).toEqual([]);
}
