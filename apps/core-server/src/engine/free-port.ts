import { createServer } from "node:net";

/**
 * Asks the OS for a free TCP port on `host` (binds port 0, reads it, releases it). Another
 * process could take it before the engine binds; the spawn path detects that (the engine
 * exits or never answers) and fails the start cleanly.
 * @throws the listen error (e.g. no loopback interface).
 */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
