import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createGuideRoutes, createRenderCache, loadOrCreateDeviceId, renderXmltv } from "../../src/guide/index.js";
import { createXmltvTiles } from "../../src/guide/xmltv-tiles.js";
import { startHarness } from "./helpers.js";
import { ANCHOR_MS, sampleLineup } from "./lineup-fixture.js";

const HOUR = 3_600_000;
const BASE = "http://tv.local:8000";
const lineup = sampleLineup("v1");

describe("XMLTV composed from tiles", () => {
  const input = (fromMs: number, toMs: number) => ({ version: "v1", channels: lineup.channels, schedule: lineup.schedule, fromMs, toMs, baseUrl: BASE, generatorName: "RetroVue Core" });

  it.each([
    ["aligned to hours", ANCHOR_MS, ANCHOR_MS + 6 * HOUR],
    ["5-minute buckets inside hours", ANCHOR_MS + 5 * 60_000, ANCHOR_MS + 3 * HOUR + 55 * 60_000],
    ["a week", ANCHOR_MS - 3 * HOUR, ANCHOR_MS + 165 * HOUR],
    ["shorter than one tile", ANCHOR_MS + 10 * 60_000, ANCHOR_MS + 20 * 60_000],
  ])("gives the same bytes as one renderXmltv of the window (%s)", async (_name, fromMs, toMs) => {
    const tiles = createXmltvTiles();
    const composed = await tiles.compose(input(fromMs, toMs));
    expect(composed.toString("utf8")).toBe(renderXmltv({ ...input(fromMs, toMs) }));
  });

  it("renders each tile once: overlapping and cache-busting windows reuse them", async () => {
    const tiles = createXmltvTiles();
    await tiles.compose(input(ANCHOR_MS, ANCHOR_MS + 48 * HOUR));
    const first = tiles.stats().renders;
    // Programmes running at each window start live in the tile before: at most one more tile per channel.
    expect(first).toBeLessThanOrEqual(lineup.channels.length * 49);
    for (let i = 1; i <= 20; i++) await tiles.compose(input(ANCHOR_MS + i * 5 * 60_000, ANCHOR_MS + 48 * HOUR - i * 5 * 60_000));
    expect(tiles.stats().renders).toBe(first);
    expect(tiles.stats().hits).toBeGreaterThan(20 * lineup.channels.length * 40);
  });

  it("yields to the event loop between tiles", async () => {
    const tiles = createXmltvTiles({ sliceMs: 0 });
    let turns = 0;
    let spinning = true;
    const spin = (): void => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    await tiles.compose(input(ANCHOR_MS, ANCHOR_MS + 24 * HOUR));
    spinning = false;
    // One yield per tile: the loop turned many times while the document was being built.
    expect(turns).toBeGreaterThanOrEqual(24 * lineup.channels.length - 1);
  });
});

describe("guide flood over HTTP", () => {
  it("20 concurrent week-long guides with distinct windows: each answered, tiles rendered once, other routes answered meanwhile", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "retrovue-guide-flood-"));
    // Yield after every tile, so the ordering below shows the loop is free between tiles.
    const tiles = createXmltvTiles({ sliceMs: 0 });
    const now = ANCHOR_MS + 3 * 86_400_000;
    const routes = createGuideRoutes(
      { lineup: () => lineup, clock: { now: () => now }, deviceId: loadOrCreateDeviceId(dataDir), tunerCount: 4, cache: createRenderCache(), tiles },
      { maxConcurrentGuides: 2 },
    );
    const harness = await startHarness(routes);
    try {
      const order: string[] = [];
      const guides = Array.from({ length: 20 }, (_, i) => {
        const from = new Date(now - 2 * 86_400_000 + i * 5 * 60_000).toISOString();
        return fetch(`${harness.origin}/guide.xml?from=${from}&hours=160`).then(async (res) => {
          const body = await res.text();
          order.push("guide");
          return { status: res.status, bytes: body.length };
        });
      });
      // Issued after the flood started: answered while guides are still being built.
      const discover = fetch(`${harness.origin}/discover.json`).then((res) => {
        order.push("discover");
        return res.status;
      });
      const answers = await Promise.all(guides);
      expect(await discover).toBe(200);
      expect(order.indexOf("discover")).toBeLessThan(order.length - 1);
      // Two compose at once, eight wait; the rest are told to come back.
      for (const a of answers) expect([200, 503]).toContain(a.status);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(10);
      // The windows overlap: 161 tiles per channel at most, each rendered once.
      expect(tiles.stats().renders).toBeLessThanOrEqual(lineup.channels.length * 163);
    } finally {
      await harness.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
