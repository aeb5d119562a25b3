import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ADMIN_TOKEN = "tune-in-bench-admin-token-0123456789";
const MAIN = fileURLToPath(new URL("../../../../apps/core-server/dist/main.js", import.meta.url));

/** How the server under test reaches its engine. */
export type BenchEngine = { readonly kind: "fake" } | { readonly kind: "real"; readonly binary: string };

/** One core-server process started by the bench. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly logFile: string;
  /** `phase` of channel `n` on /admin/channels (null: no session). */
  phase(n: number): Promise<string | null>;
  /** Waits until channel `n` has no session (bounded). */
  waitIdle(n: number, timeoutMs?: number): Promise<void>;
  /** Waits until the engine pool is full (no-op without a pool); false if it did not fill in time. */
  waitPoolFull(timeoutMs?: number): Promise<boolean>;
  /** SIGTERM, then SIGKILL after 20 s; removes the data dir unless `keep` (its logs tell what went wrong). */
  stop(keep?: boolean): Promise<void>;
}

/**
 * Starts `node apps/core-server/dist/main.js` on a free port with its own data dir and the
 * given lineup: the fake in its spawn form (one process per channel, like the real engine)
 * or the real engine binary (spawn mode). Engine settings from the bench's environment
 * (AIR_*, RETROVUE_*) are not passed on: the flags decide. Resolves once /readyz answers 200.
 */
export async function startServer(options: { engine: BenchEngine; lineup: string; poolSize: number; extraArgs: readonly string[] }): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "rv-bench-"));
  const logFile = join(dataDir, "server.log");
  const engineArgs = options.engine.kind === "fake" ? ["--embedded-air", "spawn"] : ["--air-mode", "spawn", "--air-binary", options.engine.binary];
  const args = [
    MAIN, "--port", String(port), "--data-dir", dataDir, "--lineup", options.lineup, "--admin-token", ADMIN_TOKEN,
    "--log-level", "info", "--engine-pool-size", String(options.poolSize), ...engineArgs, ...options.extraArgs,
  ];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AIR_") && !k.startsWith("RETROVUE_")));
  const fd = openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const getJson = (path: string, admin = false): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const req = request(`${baseUrl}${path}`, { agent: false, headers: admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      });
      req.on("error", reject);
      req.end();
    });
  const poll = async (check: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return true;
      await sleep(intervalMs);
    }
    return false;
  };

  const ready = await poll(async () => (await getJson("/readyz")).status === 200, 30_000, 100);
  if (!ready) {
    child.kill("SIGKILL");
    throw new Error(`the server did not become ready in 30 s (log: ${logFile})`);
  }
  const phase = async (n: number): Promise<string | null> => {
    const answer = await getJson("/admin/channels", true);
    const rows = (answer.body as { channels?: Array<{ number: number; phase: string | null }> }).channels ?? [];
    return rows.find((r) => r.number === n)?.phase ?? null;
  };
  return {
    baseUrl,
    logFile,
    phase,
    async waitIdle(n, timeoutMs = 30_000) {
      if (!(await poll(async () => (await phase(n)) === null, timeoutMs))) throw new Error(`channel ${n} still has a session after ${timeoutMs} ms`);
    },
    async waitPoolFull(timeoutMs = 15_000) {
      if (options.poolSize === 0) return true;
      return poll(async () => {
        const body = (await getJson("/readyz")).body as { checks?: { engine?: { detail?: string } } };
        const match = /pool (\d+)\/(\d+) ready/.exec(body.checks?.engine?.detail ?? "");
        return match !== null && match[1] === match[2];
      }, timeoutMs);
    },
    async stop(keep = false) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
