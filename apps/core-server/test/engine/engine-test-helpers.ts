import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Polls `condition` every 20 ms; throws after `timeoutMs` (generous: the machine is loaded). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Live (not zombie) child processes of this test process, from /proc. */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join("/proc", entry, "stat"), "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[1]) === process.pid && rest[0] !== "Z" && rest[0] !== "X") pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids.sort((a, b) => a - b);
}
