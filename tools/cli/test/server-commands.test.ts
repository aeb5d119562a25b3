import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, parseConfig, type CoreServer } from "@retrovue/core-server";
import { cleanupTempDirs, makeTempDir, runCli, startCli } from "./support/run-cli.js";

const servers: CoreServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  cleanupTempDirs();
});

/** A real server (embedded fake engine, short leads) on a free port; the CLI finds its token in the data dir. */
async function startServer(): Promise<{ url: string; dataDir: string; env: Record<string, string> }> {
  const dataDir = makeTempDir();
  const config = parseConfig({
    argv: ["--port", "0", "--data-dir", dataDir, "--log-level", "silent", "--teardown-grace-ms", "1000", "--allow-short-teardown-grace", "--min-prefeed-lead-ms", "1000", "--preload-lead-ms", "1700"],
    env: {},
  });
  const server = createCoreServer(config);
  servers.push(server);
  const { url } = await server.listen();
  return { url, dataDir, env: { RETROVUE_URL: url, RETROVUE_DATA_DIR: dataDir } };
}

async function createSession(url: string, owner: string): Promise<{ id: string; token: string }> {
  const res = await fetch(`${url}/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ owner }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

describe("retrovue against a real server", () => {
  it("lists channels as a table and as JSON, finding the admin token in the data dir", async () => {
    const { env } = await startServer();
    const table = await runCli(["channels"], env);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NUMBER\s+NAME\s+STATE\s+BOUNDARY\s+VIEWERS/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["1", "2", "3", "4"]);
    const json = await runCli(["channels", "--json"], env);
    const body = JSON.parse(json.stdout) as { channels: Array<{ number: number; state: string }> };
    expect(body.channels.map((c) => [c.number, c.state])).toEqual([[1, "idle"], [2, "idle"], [3, "idle"], [4, "idle"]]);
  });

  it("exits 4 without a usable token, 3 when the server is unreachable, 2 on a usage error", async () => {
    const { url } = await startServer();
    const noToken = await runCli(["channels"], { RETROVUE_URL: url, RETROVUE_DATA_DIR: makeTempDir() });
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toMatch(/^retrovue: no admin token: pass --admin-token/);
    const wrong = await runCli(["channels", "--admin-token", "x".repeat(32)], { RETROVUE_URL: url });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("401");
    const down = await runCli(["channels", "--server", "http://127.0.0.1:9", "--admin-token", "x".repeat(32)]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^retrovue: cannot reach the server at http:\/\/127\.0\.0\.1:9/);
    const usage = await runCli(["channel", "stop"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'n'");
    expect(down.stderr + usage.stderr).not.toMatch(/\n\s+at /);
  });

  it("stops a playing channel through the teardown gate, and says so for an idle one", async () => {
    const { url, env } = await startServer();
    const controller = new AbortController();
    const stream = await fetch(`${url}/channels/1/stream.ts`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect((await reader.read()).value?.length ?? 0).toBeGreaterThan(0);
    const stop = await runCli(["channel", "stop", "1"], env);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/^channel 1 stopped \(\d+ ms\)\n$/);
    controller.abort();
    const idle = await runCli(["channel", "stop", "2", "--json"], env);
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.stdout)).toMatchObject({ channel: 2, stopped: false });
    const unknown = await runCli(["channel", "stop", "99"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^retrovue: POST \/admin\/channels\/99\/stop: 404/);
  });

  it("filters sessions by state and owner, and terminates one (idempotently)", async () => {
    const { url, env } = await startServer();
    const tv = await createSession(url, "device:tv");
    await createSession(url, "device:phone");
    const mine = JSON.parse((await runCli(["sessions", "--owner", "device:tv", "--json"], env)).stdout) as { sessions: Array<{ id: string }> };
    expect(mine.sessions.map((s) => s.id)).toEqual([tv.id]);
    const first = await runCli(["session", "terminate", tv.id], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`session ${tv.id} terminated (admin_terminated)\n`);
    const again = await runCli(["session", "terminate", tv.id], env);
    expect(again.stdout).toMatch(new RegExp(`^session ${tv.id} was already terminated \\(admin_terminated at `));
    const terminated = await runCli(["sessions", "--state", "terminated"], env);
    expect(terminated.stdout).toContain(tv.id);
    expect(terminated.stdout).toContain("admin_terminated");
    const live = await runCli(["sessions", "--state", "live"], env);
    expect(live.stdout).not.toContain(tv.id);
    expect(live.stdout).toContain("device:phone");
  });

  it("prints the audit feed, and --follow shows new events until Ctrl-C, then exits 0", async () => {
    const { url, env } = await startServer();
    const a = await createSession(url, "device:a");
    const listed = await runCli(["events", "--json"], env);
    const events = listed.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; sessionId: string });
    expect(events).toEqual([expect.objectContaining({ kind: "created", sessionId: a.id })]);

    const follow = startCli(["events", "--follow", "--interval-ms", "200"], env);
    let out = "";
    follow.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !out.includes(text); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain(text);
    };
    await waitFor(a.id);
    const b = await createSession(url, "device:b");
    await waitFor(b.id);
    expect(out).toMatch(new RegExp(`created\\s+${b.id}\\s+actor=\\S+ owner=device:b`));
    follow.kill("SIGINT");
    const [code] = (await once(follow, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
