// waitForReady against fake-air and closed ports: retries, bounds, non-retryable errors,
// cancellation.
import { afterEach, describe, expect, it } from "vitest";
import { AirCallError } from "../src/index.js";
import { closedPort } from "./helpers/closed-port.js";
import { createFixture } from "./helpers/fixture.js";

const fx = createFixture();
afterEach(() => fx.teardown());

function attemptsIn(message: string): number {
  const m = /after (\d+) attempt/.exec(message);
  return m ? Number(m[1]) : 0;
}

describe("waitForReady", () => {
  it("retries while the engine is down and gives up with deadline_exceeded, the last error as cause", async () => {
    const c = fx.client(`127.0.0.1:${await closedPort()}`);
    const r = await c.waitForReady({ totalTimeoutMs: 300, intervalMs: 20 });
    if (r.ok) throw new Error("expected a failure");
    expect(r.error).toMatchObject({ code: "deadline_exceeded", method: "GetVersion" });
    expect(attemptsIn(r.error.rawMessage)).toBeGreaterThanOrEqual(2);
    expect(r.error.cause).toBeInstanceOf(AirCallError);
    expect((r.error.cause as AirCallError).code).toBe("unavailable");
  });

  it("succeeds once an engine comes up on the address", async () => {
    const port = await closedPort();
    const c = fx.client(`127.0.0.1:${port}`);
    const waiting = c.waitForReady({ totalTimeoutMs: 10_000, intervalMs: 20 });
    // Let a few attempts fail first, then start the engine on that port.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const air = await fx.fake({ port });
    expect(await waiting).toEqual({ ok: true, value: { version: "1.0.0" } });
    expect(air.calls().filter((call) => call.method === "GetVersion")).toHaveLength(1);
  });

  it("retries transient UNAVAILABLE answers", async () => {
    const air = await fx.fake();
    air.script("GetVersion", { grpcStatus: { code: 14, message: "warming up" }, times: 2 });
    const r = await fx.client(air.address).waitForReady({ intervalMs: 10 });
    expect(r).toEqual({ ok: true, value: { version: "1.0.0" } });
    expect(air.calls()).toHaveLength(3);
  });

  it("cuts each attempt to the GetVersion deadline, so a hung engine gets several tries", async () => {
    const air = await fx.fake();
    air.script("GetVersion", { hang: true });
    const c = fx.client(air.address, { timeoutsMs: { GetVersion: 80 } });
    const r = await c.waitForReady({ totalTimeoutMs: 400, intervalMs: 10 });
    expect(r).toMatchObject({ ok: false, error: { code: "deadline_exceeded" } });
    expect(air.calls().length).toBeGreaterThanOrEqual(2);
    expect(((r as { error: AirCallError }).error.cause as AirCallError).code).toBe("deadline_exceeded");
  });

  it("does not retry an engine that answers with a non-transient error", async () => {
    const air = await fx.fake();
    air.script("GetVersion", { grpcStatus: { code: 12, message: "not an AIR engine" } });
    const r = await fx.client(air.address).waitForReady({ intervalMs: 10 });
    expect(r).toMatchObject({ ok: false, error: { code: "unimplemented", rawMessage: "not an AIR engine" } });
    expect(air.calls()).toHaveLength(1);
  });

  it("ends canceled when the caller aborts", async () => {
    const c = fx.client(`127.0.0.1:${await closedPort()}`);
    const ac = new AbortController();
    const waiting = c.waitForReady({ totalTimeoutMs: 60_000, intervalMs: 20, signal: ac.signal });
    setTimeout(() => ac.abort(new Error("shutting down")), 50);
    expect(await waiting).toMatchObject({ ok: false, error: { code: "canceled" } });
  });

  it("ends canceled when the client closes", async () => {
    const c = fx.client(`127.0.0.1:${await closedPort()}`);
    const waiting = c.waitForReady({ totalTimeoutMs: 60_000, intervalMs: 20 });
    setTimeout(() => void c.close(), 50);
    expect(await waiting).toMatchObject({ ok: false, error: { code: "canceled", rawMessage: "AirClient is closed" } });
  });
});
