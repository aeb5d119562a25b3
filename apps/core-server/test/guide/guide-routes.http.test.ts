import { request as httpRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createGuideRoutes,
  createRenderCache,
  formatXmltvTime,
  GuideConfigError,
  loadOrCreateDeviceId,
  type GuideLineup,
  type GuideRoute,
  type RenderCache,
} from "../../src/guide/index.js";
import { dtdErrors, parseM3u, parseXml, startHarness, type Harness, type ParsedXmltv } from "./helpers.js";
import { ANCHOR_MS, HOSTILE_NAME, sampleLineup } from "./lineup-fixture.js";

const NOW = ANCHOR_MS + 3 * 86_400_000 + 7 * 60_000 + 30_000; // 2026-01-04T00:07:30Z

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw node:http request, for headers fetch will not send as given (Host, X-Forwarded-*). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("guide routes over HTTP", () => {
  let harness: Harness;
  let dataDir: string;
  let lineup: ReturnType<typeof sampleLineup>;
  let current: GuideLineup;
  let nowMs: number;
  let cache: RenderCache;
  let routes: GuideRoute[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "retrovue-guide-http-"));
    lineup = sampleLineup("v1");
    current = lineup;
    nowMs = NOW;
    cache = createRenderCache({ maxEntries: 16 });
    routes = createGuideRoutes({
      lineup: () => current,
      clock: { now: () => nowMs },
      deviceId: loadOrCreateDeviceId(dataDir),
      tunerCount: 4,
      cache,
    });
    harness = await startHarness(routes);
  });

  afterEach(async () => {
    await harness.close();
    expect(harness.server.listening).toBe(false);
    expect(harness.openSockets()).toBe(0);
    expect(await harness.connections()).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves an M3U playlist with every channel, built from the request's address", async () => {
    const res = await fetch(`${harness.origin}/playlist.m3u`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/x-mpegurl; charset=utf-8");
    const playlist = parseM3u(await res.text());
    expect(playlist.header["url-tvg"]).toBe(`${harness.origin}/guide.xml`);
    expect(playlist.entries).toHaveLength(lineup.channels.length);
    for (const [i, channel] of lineup.channels.entries()) {
      const entry = playlist.entries[i]!;
      expect(entry.attrs["tvg-id"]).toBe(`${channel.number}.retrovue`);
      expect(entry.attrs["tvg-chno"]).toBe(String(channel.number));
      expect(entry.url).toBe(`${harness.origin}/channels/${channel.number}/stream.ts`);
    }
  });

  it("builds URLs from X-Forwarded-Host/Proto behind a proxy, cached separately per address", async () => {
    const proxied = await raw(harness.port, "GET", "/playlist.m3u", { "x-forwarded-host": "tv.example.org", "x-forwarded-proto": "https" });
    const direct = await raw(harness.port, "GET", "/playlist.m3u", { host: "192.168.1.5:8000" });
    expect(parseM3u(proxied.body).entries[0]?.url).toBe("https://tv.example.org/channels/1/stream.ts");
    expect(parseM3u(direct.body).entries[0]?.url).toBe("http://192.168.1.5:8000/channels/1/stream.ts");
    expect(cache.stats()).toMatchObject({ misses: 2, entries: 2 });
  });

  it("serves a DTD-valid XMLTV guide for now − 1 h .. now + 24 h whose programmes match the schedule", async () => {
    const res = await fetch(`${harness.origin}/guide.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const xml = await res.text();
    expect(dtdErrors(xml, "xmltv-subset.dtd")).toEqual([]);
    const tv = (parseXml(xml) as unknown as ParsedXmltv).tv;

    const m3u = parseM3u(await (await fetch(`${harness.origin}/playlist.m3u`)).text());
    expect(tv.channel?.map((c) => c["@_id"])).toEqual(m3u.entries.map((e) => e.attrs["tvg-id"]));

    // Window widened to 5-minute buckets: 2026-01-03T23:05 .. 2026-01-05T00:10.
    const fromMs = Date.parse("2026-01-03T23:05:00Z");
    const toMs = Date.parse("2026-01-05T00:10:00Z");
    const expected = lineup.channels.flatMap((c) =>
      lineup.schedule.segmentsBetween(c.number, fromMs, toMs).map((s) => [`${c.number}.retrovue`, formatXmltvTime(s.startMs), formatXmltvTime(s.endMs), s.title]),
    );
    expect(tv.programme?.map((p) => [p["@_channel"], p["@_start"], p["@_stop"], p.title[0]?.["#text"]])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
    const starts = (tv.programme ?? []).map((p) => p["@_start"]);
    expect(starts.some((s) => s <= formatXmltvTime(NOW - 3_600_000))).toBe(true);
    expect((tv.programme ?? []).every((p) => p["@_stop"] > formatXmltvTime(fromMs) && p["@_start"] < formatXmltvTime(toMs))).toBe(true);
  });

  it("answers an explicit window and refuses bad ones with a 400 problem", async () => {
    const ok = await fetch(`${harness.origin}/guide.xml?from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z`);
    const tv = (parseXml(await ok.text()) as unknown as ParsedXmltv).tv;
    expect(tv.programme?.filter((p) => p["@_channel"] === "1.retrovue").map((p) => p["@_start"])).toEqual(["20260101000000 +0000", "20260101003000 +0000"]);

    for (const query of ["hours=0", "from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z", "from=nope", "to=2026-01-01T00:00:00Z&from=2026-01-02T00:00:00Z"]) {
      const res = await fetch(`${harness.origin}/guide.xml?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ type: "urn:retrovue:problem:bad-request", title: "Bad request", status: 400, reason: "invalid_guide_window" });
      expect(typeof problem.detail).toBe("string");
    }
  });

  it("renders the guide once per lineup version and window bucket, and revalidates with ETag", async () => {
    const first = await fetch(`${harness.origin}/guide.xml`);
    const body = await first.text();
    const callsAfterFirst = lineup.schedule.calls.length;
    nowMs += 60_000; // same 5-minute bucket
    const second = await fetch(`${harness.origin}/guide.xml`);
    expect(await second.text()).toBe(body);
    expect(lineup.schedule.calls.length).toBe(callsAfterFirst);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });

    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const notModified = await fetch(`${harness.origin}/guide.xml`, { headers: { "if-none-match": etag! } });
    expect(notModified.status).toBe(304);

    current = { ...lineup, version: "v2", channels: lineup.channels.slice(0, 1) };
    const afterReload = await fetch(`${harness.origin}/guide.xml`, { headers: { "if-none-match": etag! } });
    expect(afterReload.status).toBe(200);
    expect((parseXml(await afterReload.text()) as unknown as ParsedXmltv).tv.channel).toHaveLength(1);

    nowMs += 5 * 60_000; // next bucket
    await (await fetch(`${harness.origin}/guide.xml`)).text();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 3 });
  });

  it("gzips the guide for clients that accept it", async () => {
    const plain = await raw(harness.port, "GET", "/guide.xml");
    const zipped = await fetch(`${harness.origin}/guide.xml`, { headers: { "accept-encoding": "gzip" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(Number(zipped.headers.get("content-length"))).toBeLessThan(Buffer.byteLength(plain.body));
    expect(await zipped.text()).toBe(plain.body);
    expect(plain.headers["content-encoding"]).toBeUndefined();
  });

  it("emulates an HDHomeRun: discover, lineup, lineup status, device description", async () => {
    const discover = JSON.parse(await (await fetch(`${harness.origin}/discover.json`)).text()) as Record<string, unknown>;
    expect(discover).toMatchObject({
      FriendlyName: "RetroVue",
      DeviceID: loadOrCreateDeviceId(dataDir),
      BaseURL: harness.origin,
      LineupURL: `${harness.origin}/lineup.json`,
      TunerCount: 4,
    });
    expect(Object.keys(discover).sort()).toEqual(
      ["BaseURL", "DeviceAuth", "DeviceID", "FirmwareName", "FirmwareVersion", "FriendlyName", "LineupURL", "Manufacturer", "ModelNumber", "TunerCount"],
    );

    const hdhrLineup = JSON.parse(await (await fetch(`${harness.origin}/lineup.json`)).text()) as unknown[];
    expect(hdhrLineup).toEqual(
      lineup.channels.map((c) => ({ GuideNumber: String(c.number), GuideName: c.name, URL: `${harness.origin}/channels/${c.number}/stream.ts` })),
    );
    expect(hdhrLineup.map((e) => (e as { GuideName: string }).GuideName)).toContain(HOSTILE_NAME);

    const status = JSON.parse(await (await fetch(`${harness.origin}/lineup_status.json`)).text()) as unknown;
    expect(status).toEqual({ ScanInProgress: 0, ScanPossible: 1, Source: "Cable", SourceList: ["Cable"] });

    const deviceRes = await fetch(`${harness.origin}/device.xml`);
    expect(deviceRes.headers.get("content-type")).toBe('text/xml; charset="utf-8"');
    const xml = await deviceRes.text();
    expect(dtdErrors(xml, "upnp-device-subset.dtd")).toEqual([]);
    const device = (parseXml(xml) as { root: { device: Record<string, { "#text": string }> } }).root.device;
    expect(device.UDN?.["#text"]).toMatch(new RegExp(`^uuid:${String(discover.DeviceID).toLowerCase()}-`));

    const scan = await fetch(`${harness.origin}/lineup.post?scan=start&source=Cable`, { method: "POST" });
    expect(scan.status).toBe(200);
  });

  it("keeps the DeviceID across a restart (new store and routes on the same data dir)", async () => {
    const before = ((await (await fetch(`${harness.origin}/discover.json`)).json()) as { DeviceID: string }).DeviceID;
    await harness.close();
    const restarted = createGuideRoutes({ lineup: () => current, clock: { now: () => nowMs }, deviceId: loadOrCreateDeviceId(dataDir), tunerCount: 4 });
    harness = await startHarness(restarted);
    const after = ((await (await fetch(`${harness.origin}/discover.json`)).json()) as { DeviceID: string }).DeviceID;
    expect(after).toBe(before);
    expect(after).toMatch(/^[0-9A-F]{8}$/);
  });

  it("refuses a hostile Host with a 400 problem and echoes no markup", async () => {
    for (const path of ["/playlist.m3u", "/guide.xml", "/discover.json", "/lineup.json", "/device.xml"]) {
      const res = await raw(harness.port, "GET", path, { host: 'evil"><script>x</script>' });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ type: "urn:retrovue:problem:bad-request", status: 400, reason: "invalid_host" });
      expect(res.body).not.toContain("<script>");
    }
    const forwarded = await raw(harness.port, "GET", "/playlist.m3u", { "x-forwarded-host": "a\"b" });
    expect(JSON.parse(forwarded.body)).toMatchObject({ reason: "invalid_forwarded_host" });
    expect(cache.stats().entries).toBe(0);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const get = await raw(harness.port, "GET", "/playlist.m3u");
    const head = await raw(harness.port, "HEAD", "/playlist.m3u");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(get.body)));
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it("turns a schedule failure into a 500 problem, and keeps serving", async () => {
    current = { ...lineup, version: "broken", channels: [...lineup.channels, { number: 99, name: "Ghost" }] };
    const res = await fetch(`${harness.origin}/guide.xml`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ type: "urn:retrovue:problem:internal", status: 500, reason: "guide_render_failed" });
    current = lineup;
    expect((await fetch(`${harness.origin}/guide.xml`)).status).toBe(200);
  });
});

describe("createGuideRoutes()", () => {
  const deps = { lineup: () => sampleLineup(), clock: { now: () => NOW }, deviceId: "12345674", tunerCount: 2 };

  it("mounts a GET for each endpoint plus POST /lineup.post", () => {
    const routes = createGuideRoutes(deps);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /playlist.m3u",
      "GET /guide.xml",
      "GET /discover.json",
      "GET /lineup.json",
      "GET /lineup_status.json",
      "GET /device.xml",
      "POST /lineup.post",
    ]);
  });

  it("fails at construction on bad configuration, naming the option", () => {
    expect(() => createGuideRoutes({ ...deps, deviceId: "12345675" })).toThrow(expect.objectContaining({ option: "deviceId" }));
    expect(() => createGuideRoutes({ ...deps, tunerCount: 0 })).toThrow(GuideConfigError);
    expect(() => createGuideRoutes(deps, { window: { maxWindowMs: 1000 } })).toThrow(expect.objectContaining({ option: "window.maxWindowMs" }));
    expect(() => createGuideRoutes(deps, { window: { bucketMs: 0 } })).toThrow(expect.objectContaining({ option: "window.bucketMs" }));
    expect(() => createGuideRoutes(deps, { identity: { friendlyName: "" } })).toThrow(expect.objectContaining({ option: "identity.friendlyName" }));
  });
});
