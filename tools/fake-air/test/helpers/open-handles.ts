const KINDS = new Set(["TCPServerWrap", "TCPSocketWrap", "PipeWrap", "PipeServerWrap", "ConnectWrap", "PipeConnectWrap", "TCPConnectWrap"]);

/** Count of open sockets and servers (TCP and Unix) in this process. */
export function openSocketHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => KINDS.has(kind)).length;
}

/**
 * Waits (bounded) until the open socket handles drop to `baseline`, returning the final count.
 * Closing is asynchronous, so a short settle time is allowed; a leak still fails.
 */
export async function settleOpenSockets(baseline: number, timeoutMs = 2000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (openSocketHandles() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return openSocketHandles();
}
