import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openContractServers } from "../../test/contract/support/contract-server.js";

/**
 * On a failed test, prints what the server and its engines said (the server's warnings and
 * boundary transitions, the tail of each engine's log), so a failure on a loaded machine can
 * be read from the run's output alone. Called from `onTestFailed`, before the leak check
 * closes the servers.
 */
export function printFailureDiagnostics(): void {
  for (const s of openContractServers()) {
    const lines = s.logs
      .filter((l) => Number(l["level"]) >= 40 || l["msg"] === "boundary transition" || String(l["msg"]).includes("engine"))
      .slice(-40)
      .map((l) => {
        const { level, time, msg, pid: _pid, hostname: _host, name: _name, ...rest } = l;
        return `  ${new Date(Number(time)).toISOString()} ${String(level)} ${String(msg)} ${JSON.stringify(rest)}`;
      });
    console.error(`[real-air] server ${s.baseUrl} log (warnings, transitions, engine lines; last 40):\n${lines.join("\n")}`);
    let files: string[] = [];
    try {
      files = readdirSync(s.config.logDir).filter((f) => f.startsWith("engine-"));
    } catch {
      // No engine ever started.
    }
    for (const f of files) {
      const tail = readFileSync(join(s.config.logDir, f), "utf8").split("\n").slice(-25).join("\n  ");
      console.error(`[real-air] ${f} (last 25 lines):\n  ${tail}`);
    }
  }
}
