import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { probeTransportStream } from "../src/index.js";
import { destroyOpenStreams, openStream, type OpenStream } from "./support/stream-client.js";
import { cleanupTempDirs, makeTempDir } from "./support/test-server.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ReturnType<typeof spawn>>();

/**
 * Runs the built entry, dist/main.js, exactly as `pnpm start` does (the package's test
 * script builds first), in a child process.
 */
function runMain(argv: string[], options: { env?: Record<string, string>; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const child = spawn(process.execPath, ["dist/main.js", ...argv], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(stdout, child);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      children.delete(child);
      // Let the pipes drain before reporting.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
}

afterEach(() => {
  destroyOpenStreams();
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  cleanupTempDirs();
});

describe("main (the command-line entry)", () => {
  it("exits 2 with one clear message listing every problem for invalid configuration", async () => {
    const run = await runMain(["--port", "99999", "--frobnicate"], { env: { AIR_MODE: "cloud" } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^retrovue-core: Invalid configuration \(3 problems\):\n/);
    expect(run.stderr).toContain('  - --port / RETROVUE_PORT: must be an integer from 0 to 65535, got "99999"');
    expect(run.stderr).toContain("  - --frobnicate: unknown option");
    expect(run.stderr).toContain('  - --air-mode / AIR_MODE: must be one of embedded, connect, spawn, got "cloud"');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 2 for a lineup that does not validate", async () => {
    const dir = makeTempDir();
    writeFileSync(`${dir}/lineup.json`, JSON.stringify({ version: 2, anchor: "2026-01-01T00:00:00Z", channels: [] }));
    const run = await runMain(["--lineup", `${dir}/lineup.json`, "--data-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^retrovue-core: Invalid configuration \(\d+ problems?\):\n {2}- --lineup \/ RETROVUE_LINEUP: /);
  });

  it("prints the usage for --help and exits 0", async () => {
    const run = await runMain(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: retrovue-core [options]");
    expect(run.stdout).toContain("AIR_ADDRESS");
  });

  it("starts with the embedded engine, serves /healthz, prints a generated token once, and shuts down cleanly on SIGTERM", async () => {
    const dataDir = makeTempDir();
    let health: Promise<Response> | undefined;
    const run = await runMain(["--port", "0", "--data-dir", dataDir], {
      onStdout: (text, child) => {
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(text)?.[1];
        if (url === undefined || health !== undefined) return;
        health = fetch(`${url}/healthz`).finally(() => child.kill("SIGTERM"));
      },
    });
    expect(run.code).toBe(0);
    expect(run.signal).toBeNull();
    expect((await health)?.status).toBe(200);
    expect(run.stderr).toMatch(/Operator token generated and stored in .*admin-token:\n {2}[A-Za-z0-9_-]{43}\n/);
    const messages = run.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(["RetroVue Core listening", "signal received; shutting down", "shutdown complete"]));
    expect(messages.at(-1)).toBe("shutdown complete");
  });

  it("on SIGTERM ends an open stream, tears its channel down and exits 0 (graceful shutdown)", async () => {
    const dataDir = makeTempDir();
    let stream: Promise<OpenStream> | undefined;
    const fast = ["--min-prefeed-lead-ms", "1000", "--preload-lead-ms", "1700", "--teardown-grace-ms", "1000", "--allow-short-teardown-grace"];
    const run = await runMain(["--port", "0", "--data-dir", dataDir, ...fast], {
      onStdout: (text, child) => {
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(text)?.[1];
        if (url === undefined || stream !== undefined) return;
        stream = openStream(`${url}/channels/1/stream.ts`).then(async (s) => {
          await s.waitForBytes(188 * 10);
          child.kill("SIGTERM");
          return s;
        });
      },
    });
    expect(run.code).toBe(0);
    const opened = await stream;
    expect(opened?.status).toBe(200);
    const bytes = await opened?.ended;
    expect(probeTransportStream(bytes ?? Buffer.alloc(0)).valid).toBe(true);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; reason?: string });
    expect(lines.some((l) => l.msg === "teardown complete")).toBe(true);
    expect(lines.at(-1)?.msg).toBe("shutdown complete");
    // A process start, a first keyframe (viewers start on one) and a shutdown: past vitest's 5 s default on a loaded machine.
  }, 20_000);

  it("exits 1 with a clear message when the port is taken", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runMain(["--port", String(port), "--data-dir", makeTempDir()]);
      expect(run.code).toBe(1);
      // One line, nothing before it: no start-up or shutdown logs, no stack trace.
      expect(run.stderr).toBe(`retrovue-core: 127.0.0.1:${port} is already in use (another server running? pick a port with --port)\n`);
      expect(run.stdout).toBe("");
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("exits 2 with one line when the data dir cannot be created", async () => {
    const file = join(makeTempDir(), "a-file");
    writeFileSync(file, "");
    const run = await runMain(["--port", "0", "--data-dir", join(file, "data")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`retrovue-core: cannot use the data dir ${join(file, "data")}: a parent is not a directory (ENOTDIR); pick another with --data-dir\n`);
    expect(run.stdout).toBe("");
  });

  it("ignores the \"--\" that `pnpm start -- <options>` passes through", async () => {
    const run = await runMain(["--", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--discovery");
  });
});
