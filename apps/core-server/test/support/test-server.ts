import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { expect } from "vitest";
import { parseConfig, type ServerConfig } from "../../src/index.js";

/** A temp directory removed by {@link cleanupTempDirs}. */
const tempDirs: string[] = [];

export function makeTempDir(prefix = "rv-core-server-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A config on port 0 with a fresh data dir, plus extra flags. */
export function testConfig(extraArgv: readonly string[] = [], env: Record<string, string> = {}): ServerConfig {
  return parseConfig({ argv: ["--port", "0", "--data-dir", makeTempDir(), "--log-level", "debug", ...extraArgv], env });
}

/** A pino logger whose JSON lines are kept in `lines` (parsed). */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

/** Anything with a close and an open-connection count: the clean-house check of each socket suite. */
export interface Closable {
  close(): Promise<void>;
  readonly openConnections: number;
}

const open: Closable[] = [];

/** Registers a server to be closed (and checked) after the test. */
export function track<T extends Closable>(server: T): T {
  open.push(server);
  return server;
}

/** afterEach: closes every tracked server and asserts nothing is left open. */
export async function closeTracked(): Promise<void> {
  const servers = open.splice(0);
  await Promise.all(servers.map((s) => s.close()));
  for (const s of servers) expect(s.openConnections).toBe(0);
}
