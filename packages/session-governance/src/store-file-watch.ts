import { accessSync, chmodSync, closeSync, constants as fsConstants, existsSync, openSync, statSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import type { StoreProblem } from "./errors.js";

/** Mode of the database file and its -wal/-shm companions: they hold token hashes and client addresses. */
export const DATABASE_FILE_MODE = 0o600;

/** A reason the store cannot keep its promises, for logs and `/readyz`. */
export interface StoreFileProblem {
  readonly problem: StoreProblem;
  readonly detail: string;
}

/**
 * Watches the database file of an open store (GOVERNANCE guarantee 1: the file is the
 * truth, so a store whose file is gone cannot acknowledge anything): deleted or replaced
 * (latched: the open connection now writes to an inode nobody will reopen), not writable,
 * or on a full disk. Each check is a few `stat` calls.
 * @private Building block of `SessionStore`.
 */
export class StoreFileWatch {
  private readonly identity: { readonly dev: number; readonly ino: number };
  private lost: StoreFileProblem | undefined;
  private fullSeen = false;

  constructor(
    readonly path: string,
    private readonly minFreeBytes: number,
  ) {
    const st = statSync(path);
    this.identity = { dev: st.dev, ino: st.ino };
  }

  /** The inode the store opened. */
  get inode(): number {
    return this.identity.ino;
  }

  /** Whether the file was deleted or replaced (latched until the store is reopened). */
  get lostProblem(): StoreFileProblem | undefined {
    return this.lost;
  }

  /** SQLite answered SQLITE_FULL (`true`), or a durable commit went through (`false`). */
  noteFull(full: boolean): void {
    this.fullSeen = full;
  }

  /**
   * The first problem found, or undefined when the file is fine. `forWrite`: ignore a
   * SQLITE_FULL seen earlier (the write itself will find out, and clear it if there is room now).
   */
  problem(forWrite = false): StoreFileProblem | undefined {
    if (this.lost !== undefined) return this.lost;
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(this.path);
    } catch {
      st = undefined;
    }
    if (st === undefined) {
      this.lost = { problem: "gone", detail: `the database file ${this.path} was deleted while open; writes are refused` };
      return this.lost;
    }
    if (st.ino !== this.identity.ino || st.dev !== this.identity.dev) {
      this.lost = { problem: "replaced", detail: `the database file ${this.path} was replaced by another file while open; writes are refused` };
      return this.lost;
    }
    try {
      accessSync(this.path, fsConstants.W_OK);
    } catch {
      return { problem: "read_only", detail: `the database file ${this.path} is not writable` };
    }
    if (this.fullSeen && !forWrite) return { problem: "full", detail: `the disk holding ${this.path} is full (SQLITE_FULL)` };
    if (this.minFreeBytes > 0) {
      try {
        const fs = statfsSync(dirname(this.path));
        const free = fs.bavail * fs.bsize;
        if (free < this.minFreeBytes) {
          return { problem: "full", detail: `the disk holding ${this.path} has ${free} bytes free (below ${this.minFreeBytes})` };
        }
      } catch {
        // statfs unsupported here: SQLITE_FULL still reports a full disk.
      }
    }
    return undefined;
  }
}

/** Creates the database file 0600 if missing, tightens an existing one; returns the files tightened. */
export function prepareDatabaseFile(path: string): string[] {
  if (!existsSync(path)) closeSync(openSync(path, "a", DATABASE_FILE_MODE));
  return tightenFileModes([path]);
}

/** Sets 0600 on each existing file that is group/other accessible; returns those changed. */
export function tightenFileModes(paths: readonly string[]): string[] {
  const tightened: string[] = [];
  for (const file of paths) {
    if (!existsSync(file)) continue;
    if ((statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, DATABASE_FILE_MODE);
      tightened.push(file);
    }
  }
  return tightened;
}
