import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { realAirContext } from "./real-air-context.js";

/**
 * Pids of the live processes (not zombies) running the real engine binary that this test
 * process started (the server runs in-process, so its engines are our children), from the
 * process table (`/proc/<pid>/exe`, `/proc/<pid>/stat`). Engines of other runs on a shared
 * machine are not ours and are not counted.
 */
export function realEnginePids(): number[] {
  const binary = realpathSync(realAirContext().binary);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(join("/proc", entry, "exe")) !== binary) continue;
      const stat = readFileSync(join("/proc", entry, "stat"), "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && state !== "X" && Number(ppid) === process.pid) pids.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

/** Whether `pid` is in the process table running the real engine (a reused pid does not count). */
export function isRealEngine(pid: number): boolean {
  return realEnginePids().includes(pid);
}
