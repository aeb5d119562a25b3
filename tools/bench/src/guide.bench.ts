/**
 * Guide benchmark: XMLTV for 100 channels × (now − 1 h .. now + 24 h), rendered cold (no
 * cache) and served from the render cache, plus the same through real HTTP on loopback.
 * Run: pnpm --filter @retrovue/bench exec tsx src/guide.bench.ts   (prints figures; no pass/fail)
 */
import { performance } from "node:perf_hooks";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProgramFormat, ScheduledSegment, ScheduleSource } from "@retrovue/core-runtime";

// The guide module is loaded from core-server's sources through tsx: @retrovue/core-server's
// index does not re-export it yet, and a static import of another package's src breaks this
// package's rootDir. Switch to `from "@retrovue/core-server"` once the index exports it.
interface GuideChannel { number: number; name: string; group?: string; logo?: string }
interface GuideApi {
  renderXmltv(input: { channels: readonly GuideChannel[]; schedule: ScheduleSource; fromMs: number; toMs: number; baseUrl: string }): string;
  renderM3u(input: { channels: readonly GuideChannel[]; baseUrl: string }): string;
  createRenderCache(): { getOrRender(key: string, render: () => string): { body: Buffer } };
  parseGuideWindow(query: URLSearchParams, nowMs: number): { ok: true; window: { fromMs: number; toMs: number } } | { ok: false };
  createGuideRoutes(deps: {
    lineup: () => { version: string; channels: readonly GuideChannel[]; schedule: ScheduleSource };
    clock: { now(): number };
    deviceId: string;
    tunerCount: number;
  }): Array<{ method: string; path: string; handle(req: IncomingMessage, res: ServerResponse): Promise<void> }>;
}
const guideModuleUrl = new URL("../../../apps/core-server/src/guide/index.ts", import.meta.url).href;
const { createGuideRoutes, createRenderCache, parseGuideWindow, renderM3u, renderXmltv } = (await import(guideModuleUrl)) as GuideApi;

const CHANNELS = 100;
const ANCHOR_MS = Date.parse("2026-01-01T00:00:00Z");
const NOW_MS = Date.parse("2026-03-10T12:07:30Z");
const FORMAT: ProgramFormat = {
  video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } },
  audio: { sampleRate: 48000, channels: 2 },
};

/** Each channel loops a playlist of `items` segments of `segmentMs` (± a per-item offset). */
function loopingSchedule(segmentMs: number, items: number): ScheduleSource {
  const durations = Array.from({ length: items }, (_, i) => segmentMs + (i % 3) * 60_000);
  const cycleMs = durations.reduce((a, b) => a + b, 0);
  const segmentsBetween = (channelNumber: number, fromMs: number, toMs: number): ScheduledSegment[] => {
    const out: ScheduledSegment[] = [];
    const offset = channelNumber * 7_000; // channels do not share boundaries
    let cycle = Math.floor((fromMs - ANCHOR_MS - offset) / cycleMs);
    for (;;) {
      let startMs = ANCHOR_MS + offset + cycle * cycleMs;
      for (let i = 0; i < items; i += 1) {
        const endMs = startMs + durations[i]!;
        if (startMs >= toMs) return out;
        if (endMs > fromMs) {
          out.push({
            channelNumber, sequence: cycle * items + i, assetPath: `ch${channelNumber}/${i}.ts`,
            title: `Show ${i} & Friends <${channelNumber}>`, description: `Episode ${i}: a description with "quotes" & ampersands.`,
            ...(i % 2 === 0 ? { category: "Series" } : {}),
            startMs, endMs, fps: { numerator: 30, denominator: 1 }, assetStartFrame: 0, frameCount: (durations[i]! * 30) / 1000,
          });
        }
        startMs = endMs;
      }
      cycle += 1;
    }
  };
  return {
    channelNumbers: () => Array.from({ length: CHANNELS }, (_, i) => i + 1),
    programFormat: () => FORMAT,
    segmentAt: (channel, atMs) => segmentsBetween(channel, atMs, atMs + 1)[0]!,
    segmentsBetween,
  };
}

const channels: GuideChannel[] = Array.from({ length: CHANNELS }, (_, i) => ({
  number: i + 1, name: `Channel ${i + 1}`, group: "Bench", logo: `https://cdn.example.com/logo/${i + 1}.png`,
}));

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(3)} ms  p95 ${at(0.95).toFixed(3)} ms  min ${sorted[0]!.toFixed(3)} ms  (n=${samples.length})`;
}

function time(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

const window = parseGuideWindow(new URLSearchParams(), NOW_MS);
if (!window.ok) throw new Error("default window refused");
const { fromMs, toMs } = window.window;
console.log(`guide bench: ${CHANNELS} channels, window ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()} (${((toMs - fromMs) / 3_600_000).toFixed(2)} h)`);

for (const [label, segmentMs] of [["30-min programmes", 30 * 60_000], ["5-min programmes", 5 * 60_000]] as const) {
  const schedule = loopingSchedule(segmentMs, 12);
  const input = { channels, schedule, fromMs, toMs, baseUrl: "http://192.168.1.5:8000" };
  let xml = "";
  const first = time(() => { xml = renderXmltv(input); });
  const programmes = xml.split("<programme ").length - 1;
  const cold = Array.from({ length: 15 }, () => time(() => renderXmltv(input)));
  const cache = createRenderCache();
  cache.getOrRender("k", () => renderXmltv(input));
  const cached = Array.from({ length: 2000 }, () => time(() => cache.getOrRender("k", () => { throw new Error("miss"); })));
  console.log(`\n[${label}] ${programmes} programmes, ${(Buffer.byteLength(xml) / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`  cold render, first call (JIT cold): ${first.toFixed(2)} ms`);
  console.log(`  cold render (no cache):             ${stats(cold)}`);
  console.log(`  cached (render-cache hit):          ${stats(cached)}`);
}

{
  const schedule = loopingSchedule(30 * 60_000, 12);
  const m3u = Array.from({ length: 200 }, () => time(() => renderM3u({ channels, baseUrl: "http://192.168.1.5:8000" })));
  console.log(`\n[M3U] ${CHANNELS} channels cold render: ${stats(m3u)}`);

  // End to end over loopback HTTP: first request renders, the rest hit the cache.
  const routes = createGuideRoutes({ lineup: () => ({ version: "bench", channels, schedule }), clock: { now: () => NOW_MS }, deviceId: "12345674", tunerCount: 4 });
  const server = createServer((req, res) => {
    const route = routes.find((r) => r.method === req.method && r.path === new URL(req.url ?? "/", "http://x").pathname);
    if (route === undefined) { res.statusCode = 404; res.end(); return; }
    void route.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/guide.xml`;
  const samples: number[] = [];
  for (let i = 0; i < 51; i += 1) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  const gz: number[] = [];
  for (let i = 0; i < 51; i += 1) {
    const t0 = performance.now();
    await (await fetch(url, { headers: { "accept-encoding": "gzip" } })).arrayBuffer();
    gz.push(performance.now() - t0);
  }
  console.log(`[HTTP /guide.xml] first request (renders): ${samples[0]!.toFixed(2)} ms; cached: ${stats(samples.slice(1))}`);
  console.log(`[HTTP /guide.xml gzip] first (compresses once): ${gz[0]!.toFixed(2)} ms; cached: ${stats(gz.slice(1))}`);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// Issue 14 flood: 20 concurrent week-long guides with distinct windows (cache-busting), while
// a probe asks for /discover.json every 10 ms. "before" renders each window in one synchronous
// renderXmltv (the old path); "after" is createGuideRoutes (tiles, yielding, bounded).
{
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const schedule = loopingSchedule(30 * 60_000, 12);
  const lineup = () => ({ version: "flood", channels, schedule });
  const routes = createGuideRoutes({ lineup, clock: { now: () => NOW_MS }, deviceId: "12345674", tunerCount: 4 });
  const before = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = parseGuideWindow(new URL(req.url ?? "/", "http://x").searchParams, NOW_MS);
    if (!parsed.ok) { res.statusCode = 400; res.end(); return; }
    const body = renderXmltv({ channels, schedule, ...parsed.window, baseUrl: "http://x" });
    res.setHeader("Content-Type", "application/xml");
    res.end(body);
  };
  for (const mode of ["before", "after"] as const) {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (mode === "before" && path === "/guide.xml") { void before(req, res); return; }
      const route = routes.find((r) => r.method === req.method && r.path === path);
      if (route === undefined) { res.statusCode = 404; res.end(); return; }
      void route.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    // The clients run in another process, so the loop delay measured here is the server's alone.
    const { statuses, totalMs, probes } = await floodFromChild(origin);
    loop.disable();
    const ok = statuses.filter((s) => s === 200).length;
    console.log(
      `\n[flood ${mode}] 20 × 160 h distinct windows, ${CHANNELS} channels: ${ok} × 200, ${statuses.length - ok} × 503 in ${totalMs.toFixed(0)} ms; ` +
        `loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms; /discover.json ${stats(probes)}, max ${Math.max(...probes).toFixed(1)} ms`,
    );
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Runs the 20 guide requests and the /discover.json probe in a child process; returns what it saw. */
async function floodFromChild(origin: string): Promise<{ statuses: number[]; totalMs: number; probes: number[] }> {
  const { spawn } = await import("node:child_process");
  const script = `
    const origin = ${JSON.stringify(origin)};
    let probing = true; const probes = [];
    const probe = (async () => { while (probing) { const t0 = performance.now(); try { await (await fetch(origin + "/discover.json")).arrayBuffer(); } catch {} probes.push(performance.now() - t0); await new Promise((r) => setTimeout(r, 10)); } })();
    const t0 = performance.now();
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const from = new Date(${NOW_MS} - 2 * 86400000 + i * 300000).toISOString();
      try { const res = await fetch(origin + "/guide.xml?from=" + from + "&hours=160"); await res.arrayBuffer(); return res.status; } catch { return 0; }
    }));
    const totalMs = performance.now() - t0;
    probing = false; await probe;
    console.log(JSON.stringify({ statuses, totalMs, probes }));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  await new Promise((resolve) => child.once("exit", resolve));
  return JSON.parse(out) as { statuses: number[]; totalMs: number; probes: number[] };
}
