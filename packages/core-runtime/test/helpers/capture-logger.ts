import type { Logger } from "../../src/index.js";

export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A Logger that keeps every line (children share the store and add their bindings). */
export class CaptureLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  debug(fields: Record<string, unknown>, message = ""): void {
    this.entries.push({ level: "debug", fields: { ...this.bindings, ...fields }, message });
  }
  info(fields: Record<string, unknown>, message = ""): void {
    this.entries.push({ level: "info", fields: { ...this.bindings, ...fields }, message });
  }
  warn(fields: Record<string, unknown>, message = ""): void {
    this.entries.push({ level: "warn", fields: { ...this.bindings, ...fields }, message });
  }
  error(fields: Record<string, unknown>, message = ""): void {
    this.entries.push({ level: "error", fields: { ...this.bindings, ...fields }, message });
  }
  child(bindings: Record<string, unknown>): Logger {
    return new CaptureLogger(this.entries, { ...this.bindings, ...bindings });
  }

  /** Lines carrying `invariant`. */
  withInvariant(invariant: string): LogEntry[] {
    return this.entries.filter((e) => e.fields["invariant"] === invariant);
  }

  /** Lines whose message contains `text`. */
  matching(text: string): LogEntry[] {
    return this.entries.filter((e) => e.message.includes(text));
  }
}
