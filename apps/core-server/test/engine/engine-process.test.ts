import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnEngineProcess, type EngineProcess } from "../../src/index.js";
import { isAlive, shellScript } from "../support/processes.js";
import { cleanupTempDirs, makeTempDir } from "../support/test-server.js";

const spawned: EngineProcess[] = [];

afterEach(async () => {
  const all = spawned.splice(0);
  await Promise.all(all.map((p) => p.terminate(100)));
  for (const p of all) expect(isAlive(p.pid)).toBe(false);
  cleanupTempDirs();
});

function spawnScript(body: string, port = 1234): { engine: EngineProcess; logFile: string } {
  const dir = makeTempDir();
  const logFile = join(dir, "logs", "engine-ch7.log");
  const engine = spawnEngineProcess({ label: "channel 7", command: { command: shellScript(dir, "engine", body), args: ["--flag"] }, port, logFile });
  spawned.push(engine);
  return { engine, logFile };
}

describe("spawnEngineProcess", () => {
  it("passes --address host:port, appends stdout and stderr to the channel's log, and reports the exit", async () => {
    const { engine, logFile } = spawnScript('echo "args: $*"; echo "oops" >&2; exit 3', 4567);
    expect(engine.address).toBe("127.0.0.1:4567");
    expect(engine.pid).toBeTypeOf("number");
    expect(await engine.exited).toEqual({ code: 3, signal: null });
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(/^--- \d{4}-\d\d-\d\dT.* channel 7: .*engine --flag --address 127\.0\.0\.1:4567\n/);
    expect(log).toContain("args: --flag --address 127.0.0.1:4567\n");
    expect(log).toContain("oops\n");
  });

  it("reports a binary that cannot start as an exit with the error, and nothing to terminate", async () => {
    const engine = spawnEngineProcess({
      label: "channel 1",
      command: { command: join(makeTempDir(), "no-such-engine"), args: [] },
      port: 1,
      logFile: join(makeTempDir(), "engine-ch1.log"),
    });
    const exit = await engine.exited;
    expect(exit.error?.message).toMatch(/ENOENT/);
    expect(engine.pid).toBeUndefined();
    expect(await engine.terminate(100)).toBe(exit);
  });

  it("ends a running engine with SIGTERM and reaps it", async () => {
    const { engine } = spawnScript("while :; do sleep 0.05; done");
    expect(isAlive(engine.pid)).toBe(true);
    const exit = await engine.terminate(5_000);
    expect(exit).toEqual({ code: null, signal: "SIGTERM" });
    expect(isAlive(engine.pid)).toBe(false);
  });

  it("falls back to SIGKILL when the engine ignores SIGTERM", async () => {
    const { engine, logFile } = spawnScript("trap 'echo got TERM' TERM; echo ready; while :; do sleep 0.05; done");
    // Wait until the trap is installed (the script says so) before signalling.
    while (!readFileSync(logFile, "utf8").includes("ready")) await new Promise((r) => setTimeout(r, 10));
    const exit = await engine.terminate(200);
    expect(exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(isAlive(engine.pid)).toBe(false);
    expect(readFileSync(logFile, "utf8")).toContain("got TERM");
  });

  it("holds the output of an engine whose log is not named yet, then writes it after the header of the file it is given", async () => {
    const dir = makeTempDir();
    const engine = spawnEngineProcess({ label: "pool", command: { command: shellScript(dir, "engine", 'echo "started on $2"; while :; do sleep 0.05; done'), args: [] }, port: 2345 });
    spawned.push(engine);
    expect(engine.logFile).toBeUndefined();
    // Give the script time to print while nobody has named a file.
    await new Promise((r) => setTimeout(r, 300));
    const logFile = join(dir, "logs", "engine-ch9.log");
    engine.logTo(logFile, "channel 9: taken from the pool");
    expect(engine.logFile).toBe(logFile);
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(/^--- \d{4}-\d\d-\d\dT\S+ channel 9: taken from the pool\nstarted on 127\.0\.0\.1:2345\n$/);
    expect(await engine.terminate(1_000)).toEqual({ code: null, signal: "SIGTERM" });
  });
});
