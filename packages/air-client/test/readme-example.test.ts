// The README's example, run against fake-air (with a short prefeed lead so it is quick).
import { afterEach, expect, it } from "vitest";
import { createAirClient } from "../src/index.js";
import { ASSET, createFixture, FORMAT } from "./helpers/fixture.js";

const fx = createFixture();
afterEach(() => fx.teardown());

it("the README example runs: waitForReady, switchToLive, dispose via await using", async () => {
  const engine = await fx.fake();
  const seen: string[] = [];
  {
    await using air = createAirClient(engine.address, { timeoutsMs: { StopChannel: 3000 } });
    const ready = await air.waitForReady({ totalTimeoutMs: 10_000 });
    if (!ready.ok) throw ready.error;
    await air.startChannel({ channelId: 1, planHandle: ASSET, programFormat: FORMAT });
    await air.loadPreview({ channelId: 1, assetPath: ASSET, startFrame: 0, frameCount: 30, fps: { numerator: 30, denominator: 1 } });

    const now = Date.now();
    const r = await air.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 300, issuedAtTimeMs: now });
    if (r.ok) seen.push(`live at ${r.value.completionTimeMs >= now + 300}`);
    else if (r.kind === "rejected") seen.push(`engine said no: ${r.code}`);
    else seen.push(`no answer: ${r.error.code}`);

    const late = await air.switchToLive({ channelId: 1, targetBoundaryTimeMs: Date.now() + 10, issuedAtTimeMs: Date.now() });
    if (!late.ok && late.kind === "rejected") seen.push(`engine said no: ${late.code} ${late.violationReason ?? late.message}`);
    expect(air.closed).toBe(false);
  }
  expect(seen).toEqual(["live at true", "engine said no: protocol_violation Insufficient prefeed lead time"]);
});
