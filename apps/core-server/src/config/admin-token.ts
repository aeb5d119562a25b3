import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the operator token came from. `generated` means it was just created and must be shown once. */
export type AdminTokenSource = "config" | "file" | "generated";

/** The operator bearer token in force, and its origin. */
export interface ResolvedAdminToken {
  readonly token: string;
  readonly source: AdminTokenSource;
  /** The file that stores a file/generated token (`<dataDir>/admin-token`). */
  readonly filePath: string;
}

/** File name of the stored token inside the data dir. */
export const ADMIN_TOKEN_FILE = "admin-token";

/**
 * Picks the operator token: the configured one if set; else the one stored in
 * `<dataDir>/admin-token`; else a new random one (32 bytes, base64url) written there with
 * mode 0600 so later starts reuse it. Creates `dataDir` if needed.
 *
 * @throws the file system error if the data dir cannot be created or the file written.
 */
export function resolveAdminToken(dataDir: string, configured: string | undefined): ResolvedAdminToken {
  const filePath = join(dataDir, ADMIN_TOKEN_FILE);
  if (configured !== undefined) return { token: configured, source: "config", filePath };
  let stored: string | undefined;
  try {
    stored = readFileSync(filePath, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (stored !== undefined && stored.length >= 16) return { token: stored, source: "file", filePath };
  const token = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(filePath, `${token}\n`, { mode: 0o600 });
  return { token, source: "generated", filePath };
}
