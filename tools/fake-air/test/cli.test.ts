import { status } from "@grpc/grpc-js";
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CliArgsError, parseFakeAirArgs } from "../src/index.js";
import { PlayoutTestClient, startRequest } from "./helpers/playout-client.js";

// The package's test script builds first, so dist/cli.js is current.
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

function spawnCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, lines, exited };
}

async function lineMatching(run: Running, pattern: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of run.lines) {
      const m = pattern.exec(line);
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in ${JSON.stringify(run.lines)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("fake-air CLI", () => {
  const clients: PlayoutTestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const child of children) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    expect(children.size).toBe(0);
  });

  it("prints FAKE_AIR_LISTENING with its bound address, serves gRPC, and dies at once on SIGTERM", async () => {
    const run = spawnCli(["--address", "127.0.0.1:0", "--mode", "single"]);
    const [, address] = await lineMatching(run, /^FAKE_AIR_LISTENING (127\.0\.0\.1:\d+)$/);
    const client = new PlayoutTestClient(address!);
    clients.push(client);
    expect(await client.body("GetVersion", {})).toEqual({ version: "1.0.0" });
    await client.body("StartChannel", startRequest(1));
    expect(await client.call("StartChannel", startRequest(2))).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("serves the HTTP control API: faults, calls, channel state; a crash fault exits with code 1", async () => {
    const run = spawnCli(["--address", "127.0.0.1:0", "--control-port", "0", "--min-prefeed-lead-ms", "1000"]);
    const [, address] = await lineMatching(run, /^FAKE_AIR_LISTENING (\S+)$/);
    const [, control] = await lineMatching(run, /^FAKE_AIR_CONTROL (\S+)$/);
    const base = `http://${control}`;
    const client = new PlayoutTestClient(address!);
    clients.push(client);

    expect((await fetch(`${base}/channels/1`)).status).toBe(404);
    await client.body("StartChannel", startRequest(1));
    const state = await (await fetch(`${base}/channels/1`)).json();
    expect(state).toMatchObject({ channelId: 1, started: true, live: false, bytesWritten: 0 });

    const scripted = await fetch(`${base}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "GetVersion", fault: { grpcStatus: { code: status.UNAVAILABLE, message: "scripted" } } }),
    });
    expect(scripted.status).toBe(204);
    expect(await client.call("GetVersion", {})).toEqual({ ok: false, code: status.UNAVAILABLE, message: "scripted" });
    expect((await fetch(`${base}/faults`, { method: "DELETE" })).status).toBe(204);
    expect(await client.call("GetVersion", {})).toMatchObject({ ok: true });

    const bad = await fetch(`${base}/faults`, { method: "POST", body: JSON.stringify({ method: "GetVersion", fault: { delayMs: -5 } }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringContaining("delayMs") });

    // The lead minimum came from the command line.
    const issued = Date.now();
    const sw = await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + 999), issued_at_time_ms: String(issued) });
    expect(sw).toMatchObject({ result_code: "RESULT_CODE_PROTOCOL_VIOLATION" });

    const calls = (await (await fetch(`${base}/calls`)).json()) as { method: string }[];
    expect(calls.map((c) => c.method)).toEqual(["StartChannel", "GetVersion", "GetVersion", "SwitchToLive"]);

    await fetch(`${base}/faults`, { method: "POST", body: JSON.stringify({ method: "StopChannel", fault: { crash: true } }) });
    const dying = await client.call("StopChannel", { channel_id: 1 }, 3000);
    expect(dying).toMatchObject({ ok: false, code: status.UNAVAILABLE });
    expect(await run.exited).toEqual({ code: 1, signal: null });
  });

  it("rejects a malformed command line with exit code 2", async () => {
    const run = spawnCli(["--address", "nonsense"]);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(() => parseFakeAirArgs(["--mode", "triple"])).toThrow(CliArgsError);
    expect(() => parseFakeAirArgs(["--bitrate", "3000000"])).toThrow(CliArgsError);
    expect(parseFakeAirArgs(["--address", "127.0.0.1:5000", "--media-root", "/m"]).options).toEqual({
      host: "127.0.0.1",
      port: 5000,
      mediaRoot: "/m",
    });
  });
});
