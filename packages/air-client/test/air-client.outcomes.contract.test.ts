// Body-style outcomes against fake-air: every result code (scripted and as the engine
// produces it), the older-engine rule, and success=false bodies.
import type { FakeAir } from "@retrovue/fake-air";
import { afterEach, describe, expect, it } from "vitest";
import type { AirClient, AirRejectCode, AirResult } from "../src/index.js";
import { ASSET, createFixture, FORMAT } from "./helpers/fixture.js";

const fx = createFixture();
afterEach(() => fx.teardown());

const FPS = { numerator: 30, denominator: 1 };

type BodyMethod = "LoadPreview" | "SwitchToLive" | "AttachStream" | "DetachStream";
const callBody: Record<BodyMethod, (c: AirClient) => Promise<AirResult<unknown>>> = {
  LoadPreview: (c) => c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 30, fps: FPS }),
  SwitchToLive: (c) => c.switchToLive({ channelId: 1, targetBoundaryTimeMs: Date.now() + 10_000 }),
  AttachStream: (c) => c.attachStream({ channelId: 1, endpoint: "/nowhere.sock" }),
  DetachStream: (c) => c.detachStream({ channelId: 1 }),
};

async function setup(): Promise<{ air: FakeAir; c: AirClient }> {
  const air = await fx.fake();
  return { air, c: fx.client(air.address) };
}

describe("scripted result codes", () => {
  const CODES: [string, AirRejectCode][] = [
    ["NOT_READY", "not_ready"],
    ["REJECTED_BUSY", "rejected_busy"],
    ["PROTOCOL_VIOLATION", "protocol_violation"],
    ["FAILED", "failed"],
  ];

  for (const method of ["LoadPreview", "SwitchToLive"] as const) {
    it.each(CODES)(`${method} with RESULT_CODE_%s is rejected as %s`, async (wire, code) => {
      const { air, c } = await setup();
      air.script(method, { resultCode: wire as "FAILED" });
      const r = await callBody[method](c);
      expect(r).toMatchObject({ ok: false, kind: "rejected", code, message: `fault injected (${wire})` });
      if (code === "protocol_violation" && method === "SwitchToLive") expect(r).toMatchObject({ violationReason: "fault injected" });
      else expect(r).not.toHaveProperty("violationReason");
    });

    it(`${method}: a typed code outranks success (NOT_READY with success=true is still rejected)`, async () => {
      const { air, c } = await setup();
      air.script(method, { resultCode: "NOT_READY", success: true });
      expect(await callBody[method](c)).toMatchObject({ ok: false, kind: "rejected", code: "not_ready" });
    });

    it(`${method}: older engine (UNSPECIFIED) falls back to success`, async () => {
      const { air, c } = await setup();
      air.script(method, { resultCode: "UNSPECIFIED", success: true, times: 1 });
      air.script(method, { resultCode: "UNSPECIFIED", success: false, times: 1 });
      expect(await callBody[method](c)).toMatchObject({ ok: true });
      expect(await callBody[method](c)).toMatchObject({ ok: false, kind: "rejected", code: "unspecified" });
    });

    it(`${method}: RESULT_CODE_OK is success`, async () => {
      const { air, c } = await setup();
      air.script(method, { success: true });
      expect(await callBody[method](c)).toMatchObject({ ok: true });
    });
  }

  for (const method of ["AttachStream", "DetachStream"] as const) {
    it(`${method} has no result code: success=false is rejected (unspecified), success=true is ok`, async () => {
      const { air, c } = await setup();
      air.script(method, { success: false, times: 1 });
      air.script(method, { success: true, times: 1 });
      expect(await callBody[method](c)).toEqual({ ok: false, kind: "rejected", code: "unspecified", message: "fault injected" });
      expect(await callBody[method](c)).toMatchObject({ ok: true, value: { message: "fault injected" } });
    });
  }
});

describe("rejections as the engine produces them", () => {
  it("LoadPreview: fps_denominator 0 is a protocol violation (checked first)", async () => {
    const { c } = await setup();
    const r = await c.loadPreview({ channelId: 99, assetPath: "missing", startFrame: 0, frameCount: 1, fps: { numerator: 30, denominator: 0 } });
    expect(r).toMatchObject({ kind: "rejected", code: "protocol_violation", message: "fps_denominator must be > 0" });
  });

  it("LoadPreview: unknown channel is success=false with UNSPECIFIED", async () => {
    const { c } = await setup();
    const r = await c.loadPreview({ channelId: 42, assetPath: ASSET, startFrame: 0, frameCount: 1, fps: FPS });
    expect(r).toEqual({ ok: false, kind: "rejected", code: "unspecified", message: "Channel 42 not found" });
  });

  it("LoadPreview: a missing file fails; while a switch is armed it is busy", async () => {
    const { air, c } = await setup();
    await c.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT });
    const missing = await c.loadPreview({ channelId: 1, assetPath: "nope.ts", startFrame: 0, frameCount: 1, fps: FPS });
    expect(missing).toMatchObject({ kind: "rejected", code: "failed" });
    expect((await c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 1, fps: FPS })).ok).toBe(true);
    const now = Date.now();
    const pending = c.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 400, issuedAtTimeMs: now });
    await expect.poll(() => air.channelState(1)?.switchArmed).toBe(true);
    const busy = await c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 1, fps: FPS });
    expect(busy).toMatchObject({ kind: "rejected", code: "rejected_busy" });
    expect((await pending).ok).toBe(true);
  });
});

describe("SwitchToLive rejections as the engine produces them", () => {
  async function started(): Promise<AirClient> {
    const { c } = await setup();
    await c.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT });
    return c;
  }

  it("insufficient lead is a protocol violation with a violation reason", async () => {
    const c = await started();
    await c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 30, fps: FPS });
    const now = Date.now();
    const r = await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 50, issuedAtTimeMs: now });
    expect(r).toMatchObject({
      ok: false,
      kind: "rejected",
      code: "protocol_violation",
      violationReason: "Insufficient prefeed lead time",
    });
  });

  it("no preview loaded is a protocol violation", async () => {
    const c = await started();
    const now = Date.now();
    const r = await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 5000, issuedAtTimeMs: now });
    expect(r).toMatchObject({ kind: "rejected", code: "protocol_violation", violationReason: "No preview loaded" });
  });

  it("legacy target 0 answers NOT_READY first, then switches", async () => {
    const c = await started();
    await c.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 30, fps: FPS });
    expect(await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: 0 })).toMatchObject({ kind: "rejected", code: "not_ready" });
    // Like the real engine, the preview is ready ~60 ms after arming.
    await new Promise((r) => setTimeout(r, 80));
    expect(await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: 0 })).toMatchObject({ ok: true });
  });

  it("unknown channel is success=false with UNSPECIFIED", async () => {
    const { c } = await setup();
    const r = await c.switchToLive({ channelId: 5, targetBoundaryTimeMs: Date.now() + 10_000 });
    expect(r).toEqual({ ok: false, kind: "rejected", code: "unspecified", message: "Channel 5 not found" });
  });
});

describe("AttachStream rejections as the engine produces them", () => {
  it("TCP transport is refused", async () => {
    const { c } = await setup();
    const r = await c.attachStream({ channelId: 1, endpoint: "127.0.0.1:15001", transport: "tcp_loopback" });
    expect(r).toMatchObject({ ok: false, kind: "rejected", code: "unspecified" });
  });

  it("a path nobody listens on is refused with the OS error", async () => {
    const { c } = await setup();
    const r = await c.attachStream({ channelId: 1, endpoint: "/nonexistent/dir/ch_1.sock" });
    expect(r).toMatchObject({ ok: false, kind: "rejected", code: "unspecified" });
    expect(r.ok === false && r.kind === "rejected" && r.message).toMatch(/ENOENT/);
  });

  it("a second attach without replace_existing is refused", async () => {
    const { c } = await setup();
    const path = await fx.sink();
    expect((await c.attachStream({ channelId: 1, endpoint: path })).ok).toBe(true);
    expect(await c.attachStream({ channelId: 1, endpoint: path })).toMatchObject({ kind: "rejected", code: "unspecified" });
  });
});

describe("status-style methods with scripted bodies", () => {
  it.each(["StartChannel", "UpdatePlan", "StopChannel"] as const)("%s: a forced success body is ok", async (method) => {
    const { air, c } = await setup();
    air.script(method, { success: true });
    const calls = {
      StartChannel: () => c.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT }),
      UpdatePlan: () => c.updatePlan({ channelId: 1, planHandle: ASSET }),
      StopChannel: () => c.stopChannel({ channelId: 1 }),
    };
    expect(await calls[method]()).toEqual({ ok: true, value: { message: "fault injected" } });
  });
});
