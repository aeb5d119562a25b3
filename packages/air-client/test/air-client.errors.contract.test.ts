// Error statuses against fake-air over real loopback gRPC: every gRPC status, the
// engine's own status failures, deadlines on hung calls, an engine that is down or dies.
import type { FakeAir } from "@retrovue/fake-air";
import { afterEach, describe, expect, it } from "vitest";
import { AIR_METHODS, AirCallError, type AirClient, type AirErrorCode, type AirMethod } from "../src/index.js";
import { closedPort } from "./helpers/closed-port.js";
import { ASSET, createFixture, FORMAT } from "./helpers/fixture.js";

const fx = createFixture();
afterEach(() => fx.teardown());

const FPS = { numerator: 30, denominator: 1 };

/** Calls `method` with a well-formed request; resolves to the error, or undefined if none. */
async function errorOf(c: AirClient, method: AirMethod, timeoutMs?: number): Promise<AirCallError | undefined> {
  const o = timeoutMs === undefined ? {} : { timeoutMs };
  const calls: Record<AirMethod, () => Promise<{ ok: boolean; kind?: string; error?: AirCallError }>> = {
    StartChannel: () => c.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT }, o),
    UpdatePlan: () => c.updatePlan({ channelId: 1, planHandle: ASSET }, o),
    StopChannel: () => c.stopChannel({ channelId: 1 }, o),
    GetVersion: () => c.getVersion(o),
    LoadPreview: () => c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 1, fps: FPS }, o),
    SwitchToLive: () => c.switchToLive({ channelId: 1, targetBoundaryTimeMs: 0 }, o),
    AttachStream: () => c.attachStream({ channelId: 1, endpoint: "/x.sock" }, o),
    DetachStream: () => c.detachStream({ channelId: 1 }, o),
  };
  const r = await calls[method]();
  return r.ok || r.kind !== "error" ? undefined : r.error;
}

const STATUSES: [number, AirErrorCode][] = [
  [1, "canceled"], [2, "unknown"], [3, "invalid_argument"], [4, "deadline_exceeded"], [5, "not_found"],
  [6, "already_exists"], [7, "permission_denied"], [8, "resource_exhausted"], [9, "failed_precondition"],
  [10, "aborted"], [11, "out_of_range"], [12, "unimplemented"], [13, "internal"], [14, "unavailable"],
  [15, "data_loss"], [16, "unauthenticated"],
];

describe("gRPC error statuses become AirCallError", () => {
  it.each(STATUSES)("status %i → %s, with the engine's message", async (status, code) => {
    const air = await fx.fake();
    air.script("StartChannel", { grpcStatus: { code: status, message: `engine said ${status}` } });
    const e = await errorOf(fx.client(air.address), "StartChannel");
    expect(e).toBeInstanceOf(AirCallError);
    expect(e).toMatchObject({ code, grpcStatus: status, method: "StartChannel", rawMessage: `engine said ${status}` });
  });

  it.each(AIR_METHODS)("%s maps a scripted INTERNAL status", async (method) => {
    const air = await fx.fake();
    air.script(method, { grpcStatus: { code: 13, message: "boom" } });
    expect(await errorOf(fx.client(air.address), method)).toMatchObject({ code: "internal", method, rawMessage: "boom" });
  });

  it("a second channel on a single-channel engine is ALREADY_EXISTS", async () => {
    const air = await fx.fake({ mode: "single" });
    const c = fx.client(air.address);
    expect((await c.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT })).ok).toBe(true);
    const r = await c.startChannel({ channelId: 2, planHandle: ASSET, programFormat: FORMAT });
    expect(r).toMatchObject({ ok: false, kind: "error", error: { code: "already_exists", method: "StartChannel" } });
  });

  it("UpdatePlan on an unknown channel is NOT_FOUND", async () => {
    const air = await fx.fake();
    const r = await fx.client(air.address).updatePlan({ channelId: 9, planHandle: ASSET });
    expect(r).toMatchObject({ ok: false, error: { code: "not_found", rawMessage: "Channel 9 not found" } });
  });

  it("StartChannel with a format the engine refuses (width 0) is INTERNAL", async () => {
    const air = await fx.fake();
    const format = { ...FORMAT, video: { ...FORMAT.video, width: 0 } };
    const r = await fx.client(air.address).startChannel({ channelId: 1, planHandle: ASSET, programFormat: format });
    expect(r).toMatchObject({ ok: false, error: { code: "internal", method: "StartChannel" } });
  });

  it("a result-code fault on a status-style method arrives as INTERNAL", async () => {
    const air = await fx.fake();
    air.script("StopChannel", { resultCode: "FAILED" });
    expect(await errorOf(fx.client(air.address), "StopChannel")).toMatchObject({ code: "internal" });
  });
});

describe("deadlines", () => {
  it.each(AIR_METHODS)("a hung %s ends deadline_exceeded and the engine sees the cancel", async (method) => {
    const air = await fx.fake();
    air.script(method, { hang: true });
    const e = await errorOf(fx.client(air.address), method, 150);
    expect(e).toMatchObject({ code: "deadline_exceeded", method });
    await expect.poll(() => air.calls()[0]?.clientCancelled).toBe(true);
  });

  it("the per-method default from the options applies without a call timeout", async () => {
    const air = await fx.fake();
    air.script("StopChannel", { hang: true });
    const c = fx.client(air.address, { timeoutsMs: { StopChannel: 150 } });
    expect(await errorOf(c, "StopChannel")).toMatchObject({ code: "deadline_exceeded" });
  });

  it("a hung StopChannel does not hold up other calls on the same client", async () => {
    const air = await fx.fake();
    air.script("StopChannel", { hang: true });
    const c = fx.client(air.address);
    const stop = c.stopChannel({ channelId: 1 }, { timeoutMs: 60_000 });
    expect(await c.getVersion()).toMatchObject({ ok: true });
    await c.close();
    expect(await stop).toMatchObject({ ok: false, error: { code: "canceled", rawMessage: "AirClient is closed" } });
  });

  it("a SwitchToLive that the engine answers after target + margin is deadline_exceeded", async () => {
    const air = await fx.fake();
    air.script("SwitchToLive", { delayMs: 5000, success: true });
    const c = fx.client(air.address, { timeoutsMs: { SwitchToLive: 50 }, switchDeadlineMarginMs: 100 });
    const now = Date.now();
    const r = await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 150, issuedAtTimeMs: now });
    expect(r).toMatchObject({ ok: false, error: { code: "deadline_exceeded", method: "SwitchToLive" } });
  });
});

describe("cancellation", () => {
  it("aborting the caller's signal ends a hung call canceled, with the abort reason", async () => {
    const air = await fx.fake();
    air.script("DetachStream", { hang: true });
    const c = fx.client(air.address);
    const ac = new AbortController();
    const pending = c.detachStream({ channelId: 1 }, { signal: ac.signal });
    await expect.poll(() => air.calls().length).toBe(1);
    ac.abort(new Error("teardown forced"));
    expect(await pending).toMatchObject({ ok: false, error: { code: "canceled", rawMessage: "teardown forced" } });
    expect(await c.getVersion()).toMatchObject({ ok: true });
  });
});

describe("an engine that is down or dies", () => {
  it.each(AIR_METHODS)("%s to a closed port is unavailable", async (method) => {
    const c = fx.client(`127.0.0.1:${await closedPort()}`);
    expect(await errorOf(c, method)).toMatchObject({ code: "unavailable", method });
  });

  it("a crash during a call is unavailable, and so is the next call", async () => {
    const air: FakeAir = await fx.fake();
    air.script("UpdatePlan", { hang: true });
    const c = fx.client(air.address);
    const pending = c.updatePlan({ channelId: 1, planHandle: ASSET });
    await expect.poll(() => air.calls().length).toBe(1);
    air.crash();
    expect(await pending).toMatchObject({ ok: false, error: { code: "unavailable", method: "UpdatePlan" } });
    expect(await c.getVersion()).toMatchObject({ ok: false, error: { code: "unavailable" } });
  });

  it("a crash fault answers unavailable", async () => {
    const air = await fx.fake();
    air.script("LoadPreview", { crash: true });
    expect(await errorOf(fx.client(air.address), "LoadPreview")).toMatchObject({ code: "unavailable" });
  });

  it("a graceful engine stop during a call is unavailable", async () => {
    const air = await fx.fake();
    air.script("SwitchToLive", { hang: true });
    const c = fx.client(air.address);
    const pending = c.switchToLive({ channelId: 1, targetBoundaryTimeMs: 0 });
    await expect.poll(() => air.calls().length).toBe(1);
    await air.stop();
    expect(await pending).toMatchObject({ ok: false, error: { code: "unavailable" } });
  });
});
