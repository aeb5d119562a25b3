import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamSocketPath } from "@retrovue/core-runtime";

/** Longest Unix socket path we create, bytes: `sun_path` is 104 bytes on macOS (108 on Linux), NUL included. */
export const MAX_SOCKET_PATH_BYTES = 103;

/** Where the channels' stream sockets live, and whether the server made it (and removes it). */
export interface RuntimeDir {
  readonly path: string;
  /** True for a private temp dir (removed at close); false for `<dataDir>/run` (kept). */
  readonly temporary: boolean;
  /** Removes a temporary dir; a no-op for `<dataDir>/run`. Never throws. */
  remove(): void;
}

/**
 * Picks the socket directory: `<dataDir>/run` when the longest socket path in it
 * (`ch_<highest channel>.sock`) fits in {@link MAX_SOCKET_PATH_BYTES}; otherwise a
 * short private dir under the OS temp dir (`/tmp/rv-XXXXXX`), since a deep data dir would
 * make `listen()` fail with a confusing error at the first tune-in.
 */
export function prepareRuntimeDir(dataDir: string, highestChannel: number): RuntimeDir {
  const preferred = join(dataDir, "run");
  if (Buffer.byteLength(streamSocketPath(preferred, highestChannel)) <= MAX_SOCKET_PATH_BYTES) {
    mkdirSync(preferred, { recursive: true, mode: 0o700 });
    return { path: preferred, temporary: false, remove: () => undefined };
  }
  const path = mkdtempSync(join(tmpdir(), "rv-"));
  return {
    path,
    temporary: true,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
