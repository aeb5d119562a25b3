import * as net from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/** A loopback port nothing listens on: bound to port 0, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function openTcpHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
}

/**
 * Resolves once this process holds no TCP socket or server; rejects with the list if some
 * remain after `boundMs`. (net.Server emits 'close' before libuv has released the handle,
 * so a closed server can be listed for a loop turn or two: hence a bounded poll.)
 */
export async function expectNoOpenTcpHandles(boundMs = 2000): Promise<void> {
  const until = performance.now() + boundMs;
  for (;;) {
    const open = openTcpHandles();
    if (open.length === 0) return;
    if (performance.now() > until) throw new Error(`TCP handles left open: ${open.join(", ")}`);
    await delay(5);
  }
}
