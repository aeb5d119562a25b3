import { accessSync, constants, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import type { ServerConfig } from "../config/server-config.js";

/** A start-up condition that can be told in one line before anything starts. */
export class PreflightError extends Error {
  override readonly name = "PreflightError";
  constructor(
    message: string,
    /** Process exit code: 2 for configuration (the data dir), 1 for the environment (the port). */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a parent is not a directory",
  ENOENT: "a parent does not exist",
  ENOSPC: "no space left on the device",
};

/**
 * Checks, before any component starts (so a failure prints no start-up or shutdown logs):
 * the data dir can be created and written, and the TCP port is free. Port 0 is not checked.
 * The port check binds and closes at once; a server that takes the port in between still
 * fails at listen with the same one-line message.
 * @throws PreflightError with one sentence naming the path or address and the reason.
 */
export async function preflight(config: Pick<ServerConfig, "dataDir" | "host" | "port">): Promise<void> {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new PreflightError(`cannot use the data dir ${config.dataDir}: ${ERRNO_TEXT[code] ?? code} (${code}); pick another with --data-dir`, 2);
  }
  if (config.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      const reason =
        error.code === "EADDRINUSE" ? "is already in use (another server running? pick a port with --port)"
        : error.code === "EACCES" ? "needs privileges (pick a port above 1023 with --port)"
        : error.code === "EADDRNOTAVAIL" ? "is not an address of this machine (check --host)"
        : `cannot be listened on (${error.code ?? error.message})`;
      reject(new PreflightError(`${where} ${reason}`, 1));
    });
    probe.listen({ host: config.host, port: config.port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
