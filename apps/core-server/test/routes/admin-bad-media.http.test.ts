import { afterEach, describe, expect, it } from "vitest";
import { bearer, eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

describe("bad media is reported, never taken on air (issue 13)", () => {
  it("a current item the engine cannot play (LoadPreview FAILED) is skipped at start; /admin/channels, the log and the metric name it", async () => {
    const s = await startFullServer();
    s.fakeAir.script("LoadPreview", { resultCode: "FAILED", times: 1 });
    const stream = await openStream(`${s.url}/channels/1/stream.ts`);
    await stream.waitForBytes(188 * 10);
    await eventually("channel 1 live", () => s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.isLive === true);
    const loads = s.fakeAir.calls().filter((c) => c.method === "LoadPreview");
    const badPath = String(loads[0]!.request["asset_path"]);
    expect(String(loads[1]!.request["asset_path"])).not.toBe(badPath);

    const body = (await (await fetch(`${s.url}/admin/channels`, { headers: bearer(s.adminToken) })).json()) as Record<string, any>;
    const row = body.channels.find((c: Record<string, unknown>) => c.number === 1);
    expect(row.lastBadItem).toMatchObject({ path: badPath, substitute: "next-item" });
    expect(row.lastBadItem.reason).toContain("FAILED");
    expect(Date.parse(row.lastBadItem.at)).toBe(row.lastBadItem.atMs);
    expect(row.badItems).toHaveLength(1);
    expect(row.fatalReason).toBeNull();

    const warn = s.logLines.find((l) => l["level"] === 40 && l["assetPath"] === badPath);
    expect(String(warn?.["msg"])).toContain(`cannot play ${badPath}`);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/retrovue_bad_media_total\{channel="1"\} 1/);
  });
});
