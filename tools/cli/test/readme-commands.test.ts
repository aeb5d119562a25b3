import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, parseConfig, type CoreServer } from "@retrovue/core-server";
import { cleanupTempDirs, makeTempDir } from "./support/run-cli.js";

/**
 * The root README's shell blocks, run as written from the repo root against a real server,
 * with only these substitutions: the port (8000 / 8001 → a free one, so a developer's own
 * server is not disturbed) and `data/` (→ the test server's data dir). Players are the one
 * thing CI has not got: `vlc URL` and `ffplay URL` run check-stream on the URL instead (an HLS
 * `.m3u8` URL is played by ffmpeg for 4 s).
 * The install/test block is what CI itself runs.
 */
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const BLOCKS = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

const servers: CoreServer[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  await Promise.all(servers.splice(0).map((s) => s.close()));
  cleanupTempDirs();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// Runs with `set -e`: every line must succeed; curl must get a 2xx (-f).
const PRELUDE = `set -e
curl() { command curl -f "$@"; echo; }
vlc() { node apps/core-server/dist/check-stream-main.js "$1" 2; }
ffplay() {
  case "$1" in
    *.m3u8) ffmpeg -nostdin -v error -t 4 -i "$1" -f null - && echo "OK: HLS played by ffmpeg" ;;
    *) node apps/core-server/dist/check-stream-main.js "$1" 2 ;;
  esac
}
`;

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("the root README's commands", () => {
  it("has the blocks this test runs", () => {
    expect(BLOCKS.length).toBe(8);
    expect(BLOCKS[0]).toContain("pnpm install && pnpm start");
    // The real-engine block is what .ci/run itself runs (`pnpm air:build`, then the real suite).
    expect(BLOCKS[7]).toContain("pnpm -s air:build");
  });

  it("run as written against a running server: channels, check-stream, sessions, the CLI, the admin API", async () => {
    const dataDir = join(makeTempDir(), "data");
    const server = createCoreServer(
      parseConfig({ argv: ["--port", "0", "--data-dir", dataDir, "--log-level", "silent", "--teardown-grace-ms", "1000", "--allow-short-teardown-grace"], env: {} }),
    );
    servers.push(server);
    const { port } = await server.listen();
    const env = { RETROVUE_PORT: String(port), RETROVUE_DATA_DIR: dataDir };
    const script = BLOCKS.slice(1, 6).join("\n").replaceAll("127.0.0.1:8000", `127.0.0.1:${port}`).replaceAll("cat data/admin-token", `cat ${dataDir}/admin-token`);
    const run = await sh(`${PRELUDE}\n${script}`, env);
    expect(run.out).toContain("OK: a valid MPEG-TS stream");
    expect(run.out).toContain("OK: HLS played by ffmpeg");
    expect(run.out).toMatch(/"won":\s*false/); // the session the example deleted: terminate is idempotent
    expect(run.out).toContain("sample-lineup.json: ok (4 channels, 8 items)");
    expect(run.out).toContain("retrovue_sessions_created_total");
    expect(run.code, run.out.slice(-3000)).toBe(0);
  }, 300_000); // `pnpm retrovue` builds (turbo, cached) before each of its four commands

  it("starts with `pnpm start -- --host 0.0.0.0 --port …`, is found by hdhomerun_config, and Ctrl-C ends it with exit 0", async () => {
    const block = BLOCKS[6]!;
    expect(block).toContain("pnpm start -- --host 0.0.0.0 --port 8001");
    const [startLine, discoverLine] = block.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim());
    const port = await freePort();
    const dataDir = join(makeTempDir(), "data");
    // Its own process group, as a terminal would have: Ctrl-C signals the whole group.
    const child = spawn("sh", ["-c", `exec ${startLine!.replace("8001", String(port))}`], {
      cwd: ROOT,
      env: { ...process.env, RETROVUE_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.push(child);
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    for (let i = 0; i < 1200 && !out.includes("RetroVue Core listening"); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(new RegExp(`"url":"http://[^"]+:${port}"`));

    const discover = await sh(discoverLine!, {});
    const deviceId = readFileSync(join(dataDir, "hdhomerun-device-id"), "utf8").trim();
    expect(discover.out.trim()).toBe(`hdhomerun device ${deviceId} found at 127.0.0.1`);

    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    process.kill(-child.pid!, "SIGINT");
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/ERR_PNPM|ELIFECYCLE/);
  });
});
