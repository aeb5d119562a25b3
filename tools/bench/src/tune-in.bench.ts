/**
 * Tune-in benchmark (issue 12, item 6): time from a viewer's request to the first complete
 * video keyframe on the wire (KeyframeProbe: PAT → PMT → video PID → a PES start with the
 * random_access_indicator or an H.264 IDR NAL, complete when the next PES starts), against
 * the real core-server started as a process (`apps/core-server/dist/main.js`, built first).
 *
 * Engine: the embedded fake in its spawn form (one process per channel, like the real
 * engine) by default; the real engine in spawn mode when AIR_BINARY is set. Media: two
 * clips played as 60 s items on two channels — 65 s clips made once with ffmpeg under /tmp
 * (default), or the shipped sample clips (BENCH_MEDIA=sample: shorter than the items, so only
 * with a server that does not refuse them). A try without a keyframe within
 * BENCH_KEYFRAME_TIMEOUT_MS (default 20000) is counted as failed and printed.
 *
 * Cases, each BENCH_TRIES times (default 20): cold tune-in (the channel has no session; the
 * engine pool is full), with `--engine-pool-size 1` and 0; late join (a second viewer
 * joins a playing channel, 0.3–1.3 s apart); zap (leave A, tune B, B idle and the pool
 * full); re-tune (leave A, tune A at once). For each start path in BENCH_START_MODES
 * (default "immediate,scheduled") one server runs them all with `--session-start <mode>`
 * ("scheduled" is the previous path: the first switch after the preload lead), and
 * `--start-position` BENCH_START_POSITION (default on-air; item-start for the real engine).
 * Prints p50/p95 per case, the paths side by side. Figures, not assertions.
 *
 * Run: `pnpm bench` (all benches) or `pnpm --filter @retrovue/bench bench:tune-in`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { writeBenchLineup, type BenchMedia } from "./tune-in/bench-lineup.js";
import { tuneIn, type TunedViewer } from "./tune-in/bench-viewer.js";
import { sleep, startServer, type BenchEngine, type ServerProcess } from "./tune-in/server-process.js";

const TRIES = Math.max(1, Number(process.env["BENCH_TRIES"] ?? 20) || 20);
const MODES = (process.env["BENCH_START_MODES"] ?? "immediate,scheduled").split(",").map((m) => m.trim()).filter((m) => m.length > 0);
/** `--start-position` of every server (on-air | item-start); item-start is what the real engine needs (README). */
const START_POSITION = process.env["BENCH_START_POSITION"] ?? "on-air";
const AIR_BINARY = process.env["AIR_BINARY"];
const ENGINE: BenchEngine = AIR_BINARY ? { kind: "real", binary: AIR_BINARY } : { kind: "fake" };
// Generated 65 s clips by default: the shipped sample clips are as long as their own items
// (10-20 s), shorter than the bench's 60 s items, which the lineup media check refuses.
const MEDIA: BenchMedia = process.env["BENCH_MEDIA"] === "sample" ? "sample" : "generated";
/** A try with no keyframe by then counts as failed (printed), ms. */
const KEYFRAME_TIMEOUT_MS = Math.max(1_000, Number(process.env["BENCH_KEYFRAME_TIMEOUT_MS"] ?? 20_000) || 20_000);
const CASES = ["cold, pool 1", "cold, pool 0", "late join", "zap A→B", "re-tune A→A"] as const;
type CaseName = (typeof CASES)[number];

interface Sample {
  readonly keyframeMs: number[];
  readonly firstByteMs: number[];
  readonly by: Map<string, number>;
  readonly failures: string[];
}

const results = new Map<string, Sample>();
const sample = (c: CaseName, mode: string): Sample => {
  const key = `${c}|${mode}`;
  let s = results.get(key);
  if (s === undefined) results.set(key, (s = { keyframeMs: [], firstByteMs: [], by: new Map(), failures: [] }));
  return s;
};

function record(s: Sample, viewer: TunedViewer): void {
  s.keyframeMs.push(viewer.keyframeMs);
  s.firstByteMs.push(viewer.firstByteMs);
  s.by.set(viewer.keyframeBy, (s.by.get(viewer.keyframeBy) ?? 0) + 1);
}

async function attempt(s: Sample, what: () => Promise<TunedViewer>): Promise<TunedViewer | undefined> {
  try {
    const viewer = await what();
    record(s, viewer);
    return viewer;
  } catch (error) {
    s.failures.push((error as Error).message);
    return undefined;
  }
}

/** An untimed tune-in that sets a case up (a playing channel): up to 3 tries; undefined if none worked. */
async function setUp(server: ServerProcess, channel: number, s: Sample): Promise<TunedViewer | undefined> {
  for (let i = 0; i < 3; i++) {
    try {
      return await tuneIn(server.baseUrl, channel, KEYFRAME_TIMEOUT_MS);
    } catch (error) {
      s.failures.push(`set-up tune-in: ${(error as Error).message}`);
      await server.waitIdle(channel);
    }
  }
  return undefined;
}

async function cold(server: ServerProcess, s: Sample): Promise<void> {
  for (let i = 0; i < TRIES; i++) {
    await server.waitIdle(1);
    await server.waitPoolFull();
    const viewer = await attempt(s, () => tuneIn(server.baseUrl, 1, KEYFRAME_TIMEOUT_MS));
    viewer?.leave();
  }
  await server.waitIdle(1);
}

async function lateJoin(server: ServerProcess, s: Sample): Promise<void> {
  const host = await setUp(server, 1, s);
  if (host === undefined) return;
  for (let i = 0; i < TRIES; i++) {
    await sleep(300 + Math.random() * 1_000);
    const viewer = await attempt(s, () => tuneIn(server.baseUrl, 1, KEYFRAME_TIMEOUT_MS));
    viewer?.leave();
  }
  host.leave();
  await server.waitIdle(1);
}

async function zap(server: ServerProcess, s: Sample): Promise<void> {
  let current = { channel: 1, viewer: await setUp(server, 1, s) };
  for (let i = 0; i < TRIES; i++) {
    const target = current.channel === 1 ? 2 : 1;
    await server.waitIdle(target);
    await server.waitPoolFull();
    await sleep(300);
    const startedAt = performance.now();
    current.viewer?.leave();
    current = { channel: target, viewer: await attempt(s, () => tuneIn(server.baseUrl, target, KEYFRAME_TIMEOUT_MS, startedAt)) };
  }
  current.viewer?.leave();
  await server.waitIdle(1);
  await server.waitIdle(2);
}

async function retune(server: ServerProcess, s: Sample): Promise<void> {
  let current = await setUp(server, 1, s);
  for (let i = 0; i < TRIES; i++) {
    await server.waitPoolFull();
    await sleep(300);
    const startedAt = performance.now();
    current?.leave();
    current = await attempt(s, () => tuneIn(server.baseUrl, 1, KEYFRAME_TIMEOUT_MS, startedAt));
  }
  current?.leave();
  await server.waitIdle(1);
}

async function withServer(lineup: string, mode: string, poolSize: number, run: (server: ServerProcess) => Promise<void>): Promise<void> {
  const extraArgs = ["--session-start", mode, "--start-position", START_POSITION];
  const server = await startServer({ engine: ENGINE, lineup, poolSize, extraArgs });
  let failed = false;
  try {
    // Warm-up (not counted): the first tune-in also loads code paths and caches.
    await server.waitPoolFull();
    const warm = await tuneIn(server.baseUrl, 1, KEYFRAME_TIMEOUT_MS).catch((error: unknown) => {
      console.log(`[tune-in] warm-up tune-in failed (not counted): ${(error as Error).message}`);
      return undefined;
    });
    warm?.leave();
    await server.waitIdle(1);
    await run(server);
  } catch (error) {
    failed = true;
    console.error(`[tune-in] ${mode}, pool ${poolSize}: ${(error as Error).message} (kept: ${server.logFile})`);
    throw error;
  } finally {
    await server.stop(failed);
  }
}

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const ms = (v: number | undefined): string => (v === undefined ? "—" : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

function printTable(): void {
  const width = 34;
  console.log("");
  console.log(`tune-in: request → first complete video keyframe; ${TRIES} tries per case; engine: ${ENGINE.kind === "fake" ? "fake (spawn form)" : `real (${AIR_BINARY})`}; media: ${MEDIA}; start position: ${START_POSITION}`);
  console.log(`${"case".padEnd(16)}${MODES.map((m) => `${m}: p50 / p95 (ok/tries)`.padEnd(width)).join("")}`);
  for (const c of CASES) {
    const cells = MODES.map((mode) => {
      const s = results.get(`${c}|${mode}`);
      if (s === undefined) return "not run".padEnd(width);
      const n = s.keyframeMs.length;
      return `${ms(percentile(s.keyframeMs, 50))} / ${ms(percentile(s.keyframeMs, 95))} (${n}/${n + s.failures.length})`.padEnd(width);
    });
    console.log(`${c.padEnd(16)}${cells.join("")}`);
  }
  console.log("first byte p50 / p95 and keyframe marking, per case and path:");
  for (const c of CASES) {
    for (const mode of MODES) {
      const s = results.get(`${c}|${mode}`);
      if (s === undefined) continue;
      const by = [...s.by.entries()].map(([k, v]) => `${k}×${v}`).join(" ");
      console.log(`  ${c.padEnd(14)} ${mode.padEnd(10)} first byte ${ms(percentile(s.firstByteMs, 50))} / ${ms(percentile(s.firstByteMs, 95))}; keyframe by ${by || "—"}`);
      for (const f of s.failures.slice(0, 3)) console.log(`    failed: ${f}`);
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rv-tune-in-"));
  try {
    const lineup = writeBenchLineup(dir, MEDIA);
    let failed = false;
    for (const mode of MODES) {
      console.log(`[tune-in] start path "${mode}": cold, late join, zap, re-tune with pool 1 …`);
      // A server that fails (does not start, a set-up that hangs) ends its runs; the table still prints.
      await withServer(lineup, mode, 1, async (server) => {
        await cold(server, sample("cold, pool 1", mode));
        await lateJoin(server, sample("late join", mode));
        await zap(server, sample("zap A→B", mode));
        await retune(server, sample("re-tune A→A", mode));
      }).catch((error: unknown) => {
        console.error(`[tune-in] start path "${mode}", pool 1: ${(error as Error).message}`);
        failed = true;
      });
      console.log(`[tune-in] start path "${mode}": cold with pool 0 …`);
      await withServer(lineup, mode, 0, (server) => cold(server, sample("cold, pool 0", mode))).catch((error: unknown) => {
        console.error(`[tune-in] start path "${mode}", pool 0: ${(error as Error).message}`);
        failed = true;
      });
    }
    printTable();
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
