import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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

/** Shortest stored token accepted (as for `--admin-token`). */
const MIN_TOKEN_LENGTH = 16;

/** The stored token file cannot be used as it is; the message says what to do. Nothing was changed. */
export class AdminTokenFileError extends Error {
  override readonly name = "AdminTokenFileError";
  constructor(
    readonly filePath: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Picks the operator token: the configured one if set; else the one stored in
 * `<dataDir>/admin-token`; else a new random one (32 bytes, base64url) written there with
 * mode 0600 so later starts reuse it. Creates `dataDir` (0700) if needed.
 *
 * A stored file is never rewritten: one readable by group or others is refused (whoever
 * could read it can act as operator, so tightening it silently would hide a leak: the
 * operator decides whether to chmod it or replace the token), and so is one holding fewer
 * than 16 characters.
 *
 * @throws AdminTokenFileError for a loose or short stored token; the file system error if
 *   the data dir cannot be created or the file written.
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
  if (stored !== undefined) {
    const mode = statSync(filePath).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new AdminTokenFileError(
        filePath,
        `the admin token file ${filePath} is readable by others (mode 0${mode.toString(8)}); anyone who read it can act as operator. ` +
          `Run "chmod 600 ${filePath}" (and replace the token if it may have leaked), then start again`,
      );
    }
    if (stored.length < MIN_TOKEN_LENGTH) {
      throw new AdminTokenFileError(
        filePath,
        `the admin token file ${filePath} holds ${stored.length} characters, fewer than ${MIN_TOKEN_LENGTH}; ` +
          `put a longer token in it, or delete it to have a new one generated`,
      );
    }
    return { token: stored, source: "file", filePath };
  }
  const token = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // "wx": never overwrite a file that appeared meanwhile.
  writeFileSync(filePath, `${token}\n`, { mode: 0o600, flag: "wx" });
  return { token, source: "generated", filePath };
}
