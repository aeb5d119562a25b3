import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Writes an executable `/bin/sh` script into `dir` and returns its path. */
export function shellScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
