/**
 * ChannelManager benchmark: 1,000 managers on one SystemClock, a fake engine that answers
 * every call at once, 10 s segments, for 60 s of wall time.
 *
 * Prints:
 *  - switch-issuance timing error: when SwitchToLive reached the engine minus the ideal
 *    instant (boundary − MIN_PREFEED − 500 ms), p50/p99/max in ms (sub-ms clock);
 *  - CPU time per boundary (process user+system CPU over the run / boundaries that went LIVE,
 *    fake engine and bookkeeping included);
 *  - the delay from stable-state entry (the state event into LIVE/NONE/FAILED_TERMINAL) to the deferred-teardown event,
 *    for teardowns requested while every channel had its switch armed.
 *
 * Usage: pnpm --filter @retrovue/core-runtime bench   (or: pnpm exec tsx tools/bench/src/channel-manager.bench.ts)
 * Env: BENCH_CHANNELS (default 1000), BENCH_SECONDS (default 60), BENCH_STAGGER=1 spreads the
 * channels' grids 100 ms apart instead of aligning every boundary on the same instant.
 * BENCH_LOOP_STALL_MS (default 0) blocks the event loop that long every BENCH_LOOP_STALL_EVERY_MS
 * (default 1700, not a divisor of the segment so stalls land at every phase of a boundary): a
 * loaded loop. Switches that fire late but keep MIN_PREFEED are sent and counted, not failed
 * (INV-SWITCH-ISSUANCE-DEADLINE-001); only a stall longer than the 500 ms issue margin can fail one.
 * No assertions: figures only.
 */
import { availableParallelism, loadavg } from "node:os";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import {
  ChannelManager,
  createLineupSchedule,
  isStableState,
  parseLineup,
  systemClock,
  type EngineOutcome,
  type LoadPreviewParams,
  type PlayoutEngine,
  type ScheduleSource,
  type SwitchToLiveParams,
  type SwitchToLiveResult,
} from "@retrovue/core-runtime";

const CHANNELS = Number(process.env["BENCH_CHANNELS"] ?? 1000);
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 60);
const STAGGER = process.env["BENCH_STAGGER"] === "1";
const LOOP_STALL_MS = Number(process.env["BENCH_LOOP_STALL_MS"] ?? 0);
const LOOP_STALL_EVERY_MS = Number(process.env["BENCH_LOOP_STALL_EVERY_MS"] ?? 1700);
const SEGMENT_MS = 10_000;
const MIN_PREFEED_MS = 5000;
const ISSUE_MARGIN_MS = 500;

/**
 * Wall clock with sub-millisecond resolution (epoch ms), aligned with Date.now() — which is
 * what SystemClock (and so every ChannelManager) reads — by catching the instant Date.now()
 * ticks over. (performance.timeOrigin + performance.now() can be off Date.now() by many ms.)
 */
const wallOffsetMs = ((): number => {
  const first = Date.now();
  let now = first;
  while (now === first) now = Date.now();
  return now - performance.now();
})();
const preciseNow = (): number => performance.now() + wallOffsetMs;

const OK: EngineOutcome = { ok: true, value: undefined };

/** Answers every call at once; records how late each SwitchToLive arrived. */
class InstantEngine implements PlayoutEngine {
  readonly issuanceErrorsMs: number[] = [];
  /** Issuance errors grouped by target boundary (the spread inside a group is queueing). */
  readonly byTarget = new Map<number, number[]>();
  loadPreviews = 0;

  acquireChannel(): Promise<EngineOutcome> {
    return Promise.resolve(OK);
  }
  startChannel(): Promise<EngineOutcome> {
    return Promise.resolve(OK);
  }
  loadPreview(_params: LoadPreviewParams): Promise<EngineOutcome> {
    this.loadPreviews += 1;
    return Promise.resolve(OK);
  }
  switchToLive(params: SwitchToLiveParams): Promise<EngineOutcome<SwitchToLiveResult>> {
    // The immediate session start (target 0) is not a scheduled issuance: not measured.
    if (params.targetBoundaryTimeMs === 0) return Promise.resolve({ ok: true, value: { completionTimeMs: Date.now(), ptsContiguous: true } });
    const now = preciseNow();
    const errorMs = now - (params.targetBoundaryTimeMs - MIN_PREFEED_MS - ISSUE_MARGIN_MS);
    this.issuanceErrorsMs.push(errorMs);
    const group = this.byTarget.get(params.targetBoundaryTimeMs);
    if (group) group.push(errorMs);
    else this.byTarget.set(params.targetBoundaryTimeMs, [errorMs]);
    return Promise.resolve({ ok: true, value: { completionTimeMs: params.targetBoundaryTimeMs, ptsContiguous: true } });
  }
  attachStream(): Promise<EngineOutcome> {
    return Promise.resolve(OK);
  }
  detachStream(): Promise<EngineOutcome> {
    return Promise.resolve(OK);
  }
  stopChannel(): Promise<EngineOutcome> {
    return Promise.resolve(OK);
  }
  releaseChannel(): Promise<void> {
    return Promise.resolve();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[], digits = 3): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number): string => v.toFixed(digits);
  return `p50 ${f(percentile(sorted, 50))}  p99 ${f(percentile(sorted, 99))}  max ${f(sorted[sorted.length - 1] ?? Number.NaN)}  (n=${sorted.length})`;
}

/**
 * Every channel loops one 10 s asset. Aligned: one lineup, so all channels share every
 * boundary instant (the worst case for timer bunching). Staggered: 100 lineups whose anchors
 * are 100 ms apart, channels spread over them, behind one routing ScheduleSource.
 */
function buildSchedule(): ScheduleSource {
  const groups = STAGGER ? 100 : 1;
  const schedules = Array.from({ length: groups }, (_, g) => {
    const channels = [];
    for (let ch = g + 1; ch <= CHANNELS; ch += groups) {
      channels.push({
        number: ch,
        name: `Bench ${ch}`,
        programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
        playlist: [{ path: `ch${ch}/loop.ts`, title: "Loop", fps: "30/1", durationMs: SEGMENT_MS }],
      });
    }
    const anchor = new Date(Date.UTC(2026, 0, 1) + g * 100).toISOString();
    return createLineupSchedule(parseLineup({ version: 1, anchor, mediaRoot: "/media", channels }));
  });
  const of = (ch: number): ScheduleSource => schedules[(ch - 1) % groups]!;
  return {
    channelNumbers: () => Array.from({ length: CHANNELS }, (_, i) => i + 1),
    programFormat: (ch) => of(ch).programFormat(ch),
    segmentAt: (ch, atMs) => of(ch).segmentAt(ch, atMs),
    segmentsBetween: (ch, from, to) => of(ch).segmentsBetween(ch, from, to),
  };
}

async function main(): Promise<void> {
  const schedule = buildSchedule();
  const engine = new InstantEngine();
  const managers: ChannelManager[] = [];
  let boundaries = 0;
  let terminals = 0;
  const stableAt = new Map<number, number>();
  const stableToTeardownMs: number[] = [];
  let teardownReady = 0;
  let reachedLive = 0;

  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const gcPausesMs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const startWall = preciseNow();
  const endWall = startWall + SECONDS * 1000;
  const cpuStart = process.cpuUsage();

  for (let ch = 1; ch <= CHANNELS; ch++) {
    const manager = new ChannelManager({ channelNumber: ch, engine, schedule, clock: systemClock });
    manager.subscribe((event) => {
      if (event.type === "live") boundaries += 1;
      else if (event.type === "terminal") terminals += 1;
      else if (event.type === "state" && isStableState(event.to)) stableAt.set(ch, performance.now());
      else if (event.type === "teardown-ready") {
        const t = performance.now();
        teardownReady += 1;
        stableToTeardownMs.push(t - (stableAt.get(ch) ?? t));
        reachedLive += event.stateReached === "LIVE" ? 1 : 0;
      }
    });
    managers.push(manager);
  }
  await Promise.all(managers.map((m) => m.start()));

  // The loaded loop: synchronous work the managers' timers must wait behind.
  let stalls = 0;
  const stallTimer =
    LOOP_STALL_MS > 0
      ? setInterval(() => {
          const until = performance.now() + LOOP_STALL_MS;
          while (performance.now() < until) {
            // busy: this is the load
          }
          stalls += 1;
        }, LOOP_STALL_EVERY_MS)
      : undefined;

  // Request teardown of every channel while its switch is armed, near the end of the run:
  // at the last grid boundary B with B − 6.5 s inside the window, at B − 6.5 s (preload at
  // B − 7 s has been accepted, issuance at B − 5.5 s is still ahead).
  const lastBoundary = Math.floor((endWall - 1000) / SEGMENT_MS) * SEGMENT_MS;
  const requestAt = lastBoundary - 6500;
  let deferred = 0;
  let permitted = 0;
  const requestTimer = setTimeout(() => {
    for (const m of managers) {
      if (m.requestTeardown("viewer_inactive")) permitted += 1;
      else deferred += 1;
    }
  }, Math.max(0, requestAt - Date.now()));

  await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, endWall - preciseNow())));
  clearTimeout(requestTimer);
  clearInterval(stallTimer);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = preciseNow() - startWall;
  loopDelay.disable();
  gcObserver.disconnect();
  const lateTerminals = managers.filter((m) => m.fatalReason?.includes("can no longer carry MIN_PREFEED")).length;
  for (const m of managers) m.dispose();
  // Queueing inside one aligned boundary: the spread of issuance errors among channels sharing a target.
  const spreads = [...engine.byTarget.values()].filter((g) => g.length >= CHANNELS / 10).map((g) => Math.max(...g) - Math.min(...g));

  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`ChannelManager benchmark — ${CHANNELS} managers, one SystemClock, instant fake engine, ${SEGMENT_MS / 1000} s segments, ${(wallMs / 1000).toFixed(1)} s${STAGGER ? ", grids staggered (100 anchors 100 ms apart)" : ", aligned grid (every channel shares each boundary)"}`);
  if (LOOP_STALL_MS > 0) console.log(`  loaded loop:                     ${stalls} stalls of ${LOOP_STALL_MS} ms, one every ${LOOP_STALL_EVERY_MS} ms`);
  console.log(`  boundaries LIVE:                 ${boundaries} (${(boundaries / CHANNELS).toFixed(1)} per channel), terminal: ${terminals}, LoadPreviews: ${engine.loadPreviews}`);
  console.log(`  switch issuance error (ms):      ${summary(engine.issuanceErrorsMs)}`);
  console.log(`  … spread within a shared boundary (ms): ${summary(spreads)}; not issued (lead < MIN_PREFEED → terminal): ${lateTerminals}; issued > 50 ms late (sent, counted): ${engine.issuanceErrorsMs.filter((e) => e > 50).length}`);
  console.log(`  event-loop delay (ms):           p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)}  p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)}  max ${(loopDelay.max / 1e6).toFixed(2)};  GC pauses: ${gcPausesMs.length}, max ${Math.max(0, ...gcPausesMs).toFixed(2)} ms;  load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores`);
  console.log(`  CPU per boundary:                ${((cpuMs / Math.max(1, boundaries)) * 1000).toFixed(1)} µs  (total CPU ${cpuMs.toFixed(0)} ms over ${(wallMs / 1000).toFixed(1)} s = ${((cpuMs / wallMs) * 100).toFixed(1)}% of one core)`);
  console.log(`  teardown requests:               ${deferred} deferred, ${permitted} permitted; teardown-ready events: ${teardownReady} (${reachedLive} on LIVE)`);
  console.log(`  stable entry → teardown-ready (ms): ${summary(stableToTeardownMs, 4)}`);
}

await main();
