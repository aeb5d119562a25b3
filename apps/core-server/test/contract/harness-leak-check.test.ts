// The suite's after-test leak check is itself tested: each kind of leftover it promises to
// catch (socket file, armed timer, engine process, open listener) makes it fail, and a
// clean server passes it.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startContractServer, type ContractServer } from "./support/contract-server.js";
import { assertNothingLeaks, liveChildPids, pidAlive, recordBaseline } from "./support/leak-check.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 20_000, hookTimeout: 20_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

/** A server whose engine address answers nothing (connect mode tolerates that at start). */
async function quietServer(): Promise<ContractServer> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return startContractServer({ air: { mode: "connect", address: `127.0.0.1:${port}` } });
}

describe("the contract suite's leak check", () => {
  it("passes for a server that closed cleanly", async () => {
    await quietServer();
    await expect(assertNothingLeaks()).resolves.toBeUndefined();
  });

  it("fails on a socket file left in the data dir", async () => {
    const s = await quietServer();
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(join(s.dataDir, "run", "ch_9.sock"), resolve));
    await expect(assertNothingLeaks({ settleMs: 300 })).rejects.toThrow(/socket files left: .*ch_9\.sock/);
    await new Promise((resolve) => listener.close(resolve));
  });

  it("fails on a timer still armed on the server's clock", async () => {
    const s = await quietServer();
    const handle = s.clock.setTimeout(() => undefined, 60_000);
    await expect(assertNothingLeaks({ settleMs: 300 })).rejects.toThrow(/1 timer\(s\) still armed/);
    s.clock.clearTimeout(handle);
  });

  it("fails on a child (engine) process still running, and ends it", async () => {
    await quietServer();
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = child.pid!;
    expect(liveChildPids()).toContain(pid);
    await expect(assertNothingLeaks({ settleMs: 300 })).rejects.toThrow(new RegExp(`engine process\\(es\\) still running after close: ${pid}`));
    await waitFor(() => !pidAlive(pid), { what: "the leaked process ended by the check" });
  });

  it("fails on a listener left open", async () => {
    await quietServer();
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    await expect(assertNothingLeaks({ settleMs: 300 })).rejects.toThrow(/handles above baseline/);
    await new Promise((resolve) => listener.close(resolve));
  });
});
