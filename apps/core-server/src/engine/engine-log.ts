import { closeSync, openSync, writeSync } from "node:fs";

/** Output held before a log file is named, bytes; beyond it the rest is counted, not kept. */
export const HELD_OUTPUT_BYTES = 64 * 1024;

/**
 * Where one engine process's stdout/stderr go: held in memory (bounded) until a file is
 * named, then appended to it synchronously (engine output is small; sync writes keep the
 * header, the held part and what follows in order). `open` may name a new file later:
 * the next part of the output goes there. Never throws: a log that cannot be written is
 * dropped, the engine runs on.
 */
export class EngineLog {
  private fd: number | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private droppedBytes = 0;
  private closed = false;
  private path: string | undefined;

  /** The file the output goes to now, if named. */
  get file(): string | undefined {
    return this.path;
  }

  /** Appends `--- <ISO time> <header>`, then the held output, then everything that follows, to `file`. */
  open(file: string, header: string): void {
    if (this.closed && this.held.length === 0) {
      this.path = file;
      this.append(file, `--- ${new Date().toISOString()} ${header}\n`);
      return;
    }
    this.closeFd();
    this.path = file;
    try {
      this.fd = openSync(file, "a");
    } catch {
      this.fd = undefined;
    }
    this.writeFd(Buffer.from(`--- ${new Date().toISOString()} ${header}\n`));
    for (const chunk of this.held) this.writeFd(chunk);
    if (this.droppedBytes > 0) this.writeFd(Buffer.from(`[${this.droppedBytes} bytes of output not kept while the engine waited in the pool]\n`));
    this.held = [];
    this.heldBytes = 0;
    this.droppedBytes = 0;
    if (this.closed) this.closeFd();
  }

  write(chunk: Buffer): void {
    if (this.closed) return;
    if (this.fd !== undefined) return this.writeFd(chunk);
    if (this.path !== undefined) return; // the file could not be opened
    const room = HELD_OUTPUT_BYTES - this.heldBytes;
    if (room <= 0) {
      this.droppedBytes += chunk.length;
      return;
    }
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.held.push(kept);
    this.heldBytes += kept.length;
    this.droppedBytes += chunk.length - kept.length;
  }

  /** The process is gone: closes the file. Held output stays until `open` names a file. */
  close(): void {
    this.closed = true;
    this.closeFd();
  }

  private writeFd(chunk: Buffer): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, chunk);
    } catch {
      this.closeFd();
    }
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.fd = undefined;
  }

  private append(file: string, text: string): void {
    try {
      const fd = openSync(file, "a");
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    } catch {
      // A log that cannot be written is not a reason to fail.
    }
  }
}
