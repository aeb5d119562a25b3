import { afterEach, describe, expect, it } from "vitest";
import { AirClientOptionsError, createAirClient, type AirClient } from "../src/index.js";
import { closedPort, expectNoOpenTcpHandles } from "./helpers/closed-port.js";

const clients: AirClient[] = [];
function client(address: string, ...rest: Parameters<typeof createAirClient> extends [string, ...infer R] ? R : never): AirClient {
  const c = createAirClient(address, ...rest);
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await expectNoOpenTcpHandles();
});

describe("createAirClient", () => {
  it.each(["127.0.0.1:50051", "localhost:1", "[::1]:7000"])("accepts host:port address %s", (address) => {
    const c = client(address);
    expect(c.address).toBe(address);
    expect(c.closed).toBe(false);
  });

  it.each(["", "127.0.0.1", "http://127.0.0.1:5", "127.0.0.1:5/x", "user@127.0.0.1:5", "127.0.0.1:99999"])(
    "throws AirClientOptionsError for address %j",
    (address) => {
      expect(() => createAirClient(address)).toThrow(AirClientOptionsError);
    },
  );

  it("throws for bad options at construction", () => {
    expect(() => createAirClient("127.0.0.1:1", { timeoutsMs: { LoadPreview: -5 } })).toThrow(/timeoutsMs.LoadPreview/);
  });

  it("exposes the resolved options", () => {
    const c = client("127.0.0.1:1", { timeoutsMs: { StopChannel: 1234 } });
    expect(c.options.timeoutsMs.StopChannel).toBe(1234);
    expect(c.options.timeoutsMs.GetVersion).toBe(2000);
  });
});

describe("calls that are refused before reaching the network", () => {
  // A closed port: had any of these calls been sent, it would end `unavailable`.
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("timeoutMs %s is invalid_argument", async (timeoutMs) => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    const r = await c.getVersion({ timeoutMs });
    expect(r).toMatchObject({ ok: false, kind: "error", error: { code: "invalid_argument", method: "GetVersion" } });
  });

  it("a signal that is not an AbortSignal is invalid_argument", async () => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    const r = await c.stopChannel({ channelId: 1 }, { signal: {} as AbortSignal });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
  });

  it("an already aborted signal is canceled", async () => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    const r = await c.stopChannel({ channelId: 1 }, { signal: AbortSignal.abort(new Error("caller gave up")) });
    expect(r).toMatchObject({ ok: false, error: { code: "canceled", rawMessage: "caller gave up" } });
  });

  it("a malformed request is invalid_argument", async () => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    const r = await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: Number.NaN });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_argument", method: "SwitchToLive" } });
  });

  it("after close(), every method answers canceled and close() stays idempotent", async () => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    await c.close();
    expect(c.closed).toBe(true);
    const results = await Promise.all([
      c.getVersion(),
      c.stopChannel({ channelId: 1 }),
      c.detachStream({ channelId: 1 }),
      c.waitForReady(),
      c.checkApiVersion(),
    ]);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: "canceled", rawMessage: "AirClient is closed" } });
    await c.close();
    await c[Symbol.asyncDispose]();
  });

  it("waitForReady rejects a non-positive total or interval", async () => {
    const c = client(`127.0.0.1:${await closedPort()}`);
    expect(await c.waitForReady({ totalTimeoutMs: 0 })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    expect(await c.waitForReady({ intervalMs: -1 })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
  });
});
