/**
 * session-governance benchmark, on a real SQLite file in WAL mode (GOVERNANCE guarantee 1):
 *  - gate admissions per second with p50/p99 latency, for one hot session and spread over
 *    10 000 sessions, against the same loop with the gate disabled (the baseline: the
 *    session read an ungated `status` route would still do), printed as a ratio;
 *  - slot-holding admissions (`stream`: admit + release);
 *  - termination throughput (winning writes with their audit rows; idempotent repeats);
 *  - database size per 100 000 audit events;
 *  - issue 14: admissions of short operations keep activity in memory and write it once per
 *    flush interval without an fsync, so "governed" should be >= 50 % of "disabled" with
 *    p99 <= 100 µs; the flush itself is timed (10 000 sessions' activity in one transaction).
 * Each figure is measured with synchronous=FULL (the default) and NORMAL.
 * Run: pnpm --filter @retrovue/session-governance bench   (prints figures; no pass/fail)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openSessionGovernance, type Clock, type SessionGovernance, type TimerHandle } from "@retrovue/session-governance";

const SESSIONS = 10_000;
const ADMISSIONS = Number(process.env.BENCH_ADMISSIONS ?? 20_000);
const TERMINATIONS = 5_000;
const EVENTS = 100_000;

/** Wall clock for the bench (the package itself never reads Date.now()). */
const timers = new Map<number, NodeJS.Timeout>();
let nextTimer = 1;
const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs): TimerHandle {
    const timerId = nextTimer++;
    timers.set(timerId, setTimeout(() => (timers.delete(timerId), callback()), Math.max(0, delayMs)).unref());
    return { timerId };
  },
  clearTimeout(handle) {
    clearTimeout(timers.get(handle.timerId));
    timers.delete(handle.timerId);
  },
};

const dir = mkdtempSync(join(tmpdir(), "rv-session-gov-bench-"));
let fileNo = 0;
function open(synchronous: "full" | "normal"): { gov: SessionGovernance; path: string } {
  const path = join(dir, `bench-${fileNo++}.db`);
  const gov = openSessionGovernance({
    path,
    clock: wallClock,
    synchronous,
    recheckIntervalMs: null,
    policy: {
      maxSessionsPerOwner: 1_000_000,
      maxSessionsPerClient: 1_000_000,
      maxLiveSessions: 10_000_000,
      defaults: { idleTimeoutMs: 3_600_000, maxLifetimeMs: 86_400_000, maxConcurrentOps: 8 },
      ceilings: { idleTimeoutMs: 3_600_000 },
    },
  });
  return { gov, path };
}

interface Figures {
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

function measure(n: number, body: (i: number) => void): Figures {
  for (let i = 0; i < Math.min(500, n); i++) body(i); // warm-up (JIT, page cache)
  const lat = new Float64Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    body(i);
    lat[i] = performance.now() - t;
  }
  const total = performance.now() - start;
  lat.sort();
  const q = (p: number): number => (lat[Math.min(n - 1, Math.floor(p * n))] ?? 0) * 1000;
  return { opsPerSec: (n / total) * 1000, p50Us: q(0.5), p99Us: q(0.99) };
}

const fmt = (f: Figures): string =>
  `${Math.round(f.opsPerSec).toLocaleString("en-US").padStart(9)} ops/s   p50 ${f.p50Us.toFixed(1).padStart(7)} µs   p99 ${f.p99Us.toFixed(1).padStart(8)} µs`;

const pct = (gated: Figures, baseline: Figures): string => `${((gated.opsPerSec / baseline.opsPerSec) * 100).toFixed(0)} %`;

function createMany(gov: SessionGovernance, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = gov.sessions.create({ ownerId: `device:${i}` });
    if (created.kind !== "created") throw new Error("create refused");
    ids.push(created.session.id);
  }
  return ids;
}

function expectAdmitted(kind: string): void {
  if (kind !== "admitted") throw new Error(`unexpected decision ${kind}`);
}

console.log(`session-governance bench — Node ${process.version}, ${ADMISSIONS} admissions per loop, file DB in WAL mode`);
for (const sync of ["full", "normal"] as const) {
  console.log(`\n== synchronous=${sync.toUpperCase()} ==`);
  {
    const { gov } = open(sync);
    const [hot] = createMany(gov, 1) as [string];
    const baseline = measure(ADMISSIONS, () => void gov.sessions.get(hot));
    // What the status route does: the gate, then the answer from the row the gate read.
    const gated = measure(ADMISSIONS, () => {
      const d = gov.governor.admit(hot, "status");
      if (d.kind !== "admitted") throw new Error(d.kind);
      void gov.sessions.viewOf(d.handle);
    });
    const stream = measure(ADMISSIONS, () => {
      const d = gov.governor.admit(hot, "stream");
      if (d.kind !== "admitted") throw new Error(d.kind);
      d.handle.release();
    });
    console.log(`one hot session     gate disabled (read)  ${fmt(baseline)}`);
    console.log(`one hot session     admit + read          ${fmt(gated)}`);
    console.log(`one hot session     ratio disabled/gated  ${(baseline.opsPerSec / gated.opsPerSec).toFixed(1)}x   governed = ${pct(gated, baseline)} of disabled (target >= 50 %), p99 ${gated.p99Us.toFixed(1)} µs (target <= 100 µs)`);
    console.log(`one hot session     stream admit+release  ${fmt(stream)}`);
    gov.close();
  }
  {
    const { gov } = open(sync);
    const t = performance.now();
    const ids = createMany(gov, SESSIONS);
    const createdPerSec = (SESSIONS / (performance.now() - t)) * 1000;
    let seed = 12345;
    const pick = (): string => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return ids[seed % ids.length] as string;
    };
    const baseline = measure(ADMISSIONS, () => void gov.sessions.get(pick()));
    const gated = measure(ADMISSIONS, () => {
      const d = gov.governor.admit(pick(), "status");
      if (d.kind !== "admitted") throw new Error(d.kind);
      void gov.sessions.viewOf(d.handle);
    });
    console.log(`${SESSIONS} sessions      create                ${Math.round(createdPerSec).toLocaleString("en-US").padStart(9)} ops/s`);
    console.log(`${SESSIONS} sessions      gate disabled (read)  ${fmt(baseline)}`);
    console.log(`${SESSIONS} sessions      admit + read          ${fmt(gated)}`);
    console.log(`${SESSIONS} sessions      ratio disabled/gated  ${(baseline.opsPerSec / gated.opsPerSec).toFixed(1)}x   governed = ${pct(gated, baseline)} of disabled (target >= 50 %), p99 ${gated.p99Us.toFixed(1)} µs (target <= 100 µs)`);
    const flushT = performance.now();
    const flushed = gov.governor.flushActivity();
    let more = flushed;
    while (gov.governor.pendingActivity > 0) more += gov.governor.flushActivity();
    console.log(`${SESSIONS} sessions      activity flush        ${more} sessions written in ${(performance.now() - flushT).toFixed(1)} ms (batches of up to 250, no fsync)`);
    const victims = ids.slice(0, TERMINATIONS);
    const term = measure(TERMINATIONS, (i) => {
      // Warm-up iterations (i repeats) hit already-terminated sessions: those are no-ops.
      gov.termination.terminate(victims[i] as string, "admin_terminated", "operator:bench");
    });
    const repeat = measure(TERMINATIONS, (i) => void gov.termination.terminate(victims[i] as string, "user_requested", "operator:bench"));
    console.log(`terminate           winning write + audit ${fmt(term)}`);
    console.log(`terminate           idempotent repeat     ${fmt(repeat)}`);
    gov.close();
  }
}

{
  // Size: 50 000 sessions created and terminated = 100 000 audit rows (plus the 50 000 rows they describe).
  const { gov, path } = open("normal");
  const ids = createMany(gov, EVENTS / 2);
  for (const id of ids) gov.termination.terminate(id, "idle_timeout", "system:governor");
  const events = gov.store.countEvents();
  gov.close(); // checkpoints the WAL into the main file
  const bytes = statSync(path).size;
  console.log(`\nDB size: ${events.toLocaleString("en-US")} events + ${ids.length.toLocaleString("en-US")} sessions = ${(bytes / 1_048_576).toFixed(1)} MiB → ${((bytes / events) * 100_000 / 1_048_576).toFixed(1)} MiB per 100k events (${Math.round(bytes / events)} B/event incl. session rows)`);
}



{
  // Issue 14 sweep stall: N sessions expire unattended; "before" is one sweep() over all of
  // them (one synchronous call), "after" is the server's way: batches of 8, each a separate
  // turn of the event loop. Sessions are created under NORMAL (fast), swept under FULL.
  const N = Number(process.env.BENCH_SWEEP_SESSIONS ?? 2_000);
  for (const mode of ["before (one call)", "after (batches of 8)"] as const) {
    const created = open("normal");
    for (let i = 0; i < N; i++) {
      const c = created.gov.sessions.create({ ownerId: `device:${i}`, limits: { idleTimeoutMs: 1 } });
      if (c.kind !== "created") throw new Error("create refused");
    }
    created.gov.close();
    await new Promise((r) => setTimeout(r, 5));
    const gov = openSessionGovernance({ path: created.path, clock: wallClock, synchronous: "full", recheckIntervalMs: null, policy: { maxSessionsPerOwner: 1_000_000, maxLiveSessions: 10_000_000 } });
    const t0 = performance.now();
    let longest = 0;
    let terminated = 0;
    if (mode === "before (one call)") {
      terminated = gov.governor.sweep().terminated.length;
      longest = performance.now() - t0;
    } else {
      for (;;) {
        const t = performance.now();
        const batch = gov.governor.sweep(undefined, { maxSessions: 8 });
        longest = Math.max(longest, performance.now() - t);
        terminated += batch.terminated.length;
        if (!batch.more) break;
        await new Promise((r) => setImmediate(r));
      }
    }
    console.log(`sweep ${mode.padEnd(22)} ${terminated} expired sessions in ${(performance.now() - t0).toFixed(0)} ms; longest synchronous stretch ${longest.toFixed(1)} ms`);
    gov.close();
  }
}
rmSync(dir, { recursive: true, force: true });
