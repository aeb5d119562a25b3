import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fakeAirCliPath, type EngineHost } from "../../../src/index.js";
import type { ContractServer } from "./contract-server.js";
import { fakeAirControl, type FakeAirControl } from "./fake-air-process.js";
import { waitFor } from "./wait.js";

/**
 * Writes an engine executable for spawn mode into `dir`: a `/bin/sh` wrapper that `exec`s
 * the fake AIR CLI in single-channel mode (like the real engine) with a control port, so
 * the pid the server tracks is the engine's own. `--address` comes from the server.
 *
 * `failWhenFileExists`: while that file exists the engine answers GetVersion with API 2.0.0,
 * which Core refuses at start (a start that fails after the process is up).
 */
export function writeFakeEngineBinary(dir: string, options: { minPrefeedLeadMs: number; failWhenFileExists?: string }): string {
  const path = join(dir, "fake-engine.sh");
  const base = `"${process.execPath}" "${fakeAirCliPath()}" --mode single --control-port 0 --min-prefeed-lead-ms ${options.minPrefeedLeadMs}`;
  const body =
    options.failWhenFileExists === undefined
      ? `exec ${base} "$@"`
      : `if [ -e "${options.failWhenFileExists}" ]; then exec ${base} --api-version 2.0.0 "$@"; fi\nexec ${base} "$@"`;
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Writes a `/bin/sh` engine executable with `body` (e.g. one that never answers). */
export function writeEngineScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The server's engine host component. */
export function engineHostOf(s: ContractServer): EngineHost {
  const host = s.server.components.find((c) => c.name === "engine");
  if (host === undefined) throw new Error("the server has no engine component");
  return host as EngineHost;
}

/** The pid of channel `n`'s engine process, as the server tracks it, if it has one. */
export function enginePidOf(s: ContractServer, n: number): number | undefined {
  return engineHostOf(s).channels().find((c) => c.channelId === n)?.pid;
}

/**
 * The control API of channel `n`'s spawned engine: the fake prints `FAKE_AIR_CONTROL
 * host:port` on stdout, which the server appends to `<dataDir>/logs/engine-ch<n>.log`;
 * the last such line belongs to the newest process.
 */
export async function engineControlOf(s: ContractServer, n: number): Promise<FakeAirControl> {
  const logFile = join(s.config.logDir, `engine-ch${n}.log`);
  const address = await waitFor(
    () => {
      let text: string;
      try {
        text = readFileSync(logFile, "utf8");
      } catch {
        return undefined;
      }
      const lines = text.split("\n");
      const start = lines.findLastIndex((l) => l.startsWith("--- "));
      const control = lines.slice(start).find((l) => l.startsWith("FAKE_AIR_CONTROL "));
      return control?.split(" ")[1];
    },
    { what: `FAKE_AIR_CONTROL in ${logFile}` },
  );
  return fakeAirControl(`http://${address}`);
}
