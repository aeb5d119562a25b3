import { liveChildPids } from "../contract/support/leak-check.js";

/** Polls `condition` every 20 ms; throws after `timeoutMs` (generous: the machine is loaded). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Live (not zombie) child processes of this test process, ascending (the contract leak check's reader). */
export function childPids(): number[] {
  return liveChildPids().sort((a, b) => a - b);
}
