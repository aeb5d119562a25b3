import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import type { TerminationResult } from "../src/session-termination-service.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantee 3 across processes: two connections (two OS processes) on one file
// terminate the same sessions at the same moment. The conditional write
// (WHERE terminated_at IS NULL) must yield exactly one winner and one audit row per session.
const CHILD = fileURLToPath(new URL("./fixtures/terminate-race-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

interface ChildRun {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<{ results: TerminationResult[]; hooks: number }>;
}

describe("two processes terminating the same sessions at once", () => {
  const fx = useFixture();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    children.length = 0;
  });

  function runChild(args: string[]): ChildRun {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    let err = "";
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith("ready\n")) markReady();
    });
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const done = new Promise<{ results: TerminationResult[]; hooks: number }>((resolve, reject) => {
      child.on("exit", (code) => {
        if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
        resolve(JSON.parse(out.slice("ready\n".length)) as { results: TerminationResult[]; hooks: number });
      });
    });
    return { child, ready, done };
  }

  test(
    "exactly one winner, one audit row and the winner's reason, for each of 150 sessions",
    async () => {
      const gov = fx.open(new ManualClock(T0), { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 1_000 } });
      const ids = Array.from({ length: 150 }, () => createSession(gov).id);
      const idsPath = join(fx.dir(), "ids.json");
      const goPath = join(fx.dir(), "go");
      writeFileSync(idsPath, JSON.stringify(ids));
      const a = runChild([fx.dbPath(), idsPath, goPath, "user_requested", "session:self", "forward"]);
      const b = runChild([fx.dbPath(), idsPath, goPath, "admin_terminated", "operator:ann", "reverse"]);
      await Promise.all([a.ready, b.ready]);
      writeFileSync(goPath, "go");
      const [ra, rb] = await Promise.all([a.done, b.done]);

      const raw = fx.raw();
      const terminatedEvents = raw.prepare("SELECT session_id AS id, actor, data FROM session_events WHERE kind = 'terminated'").all() as Array<{ id: string; actor: string; data: string }>;
      expect(terminatedEvents).toHaveLength(ids.length);
      expect(new Set(terminatedEvents.map((e) => e.id)).size).toBe(ids.length);
      let winsA = 0;
      ids.forEach((id, i) => {
        const x = ra.results[i];
        const y = rb.results[i];
        if (x?.kind !== "terminated" || y?.kind !== "terminated") throw new Error("expected terminated results");
        expect(x.won !== y.won).toBe(true); // exactly one winner
        const winner = x.won ? x : y;
        if (x.won) winsA += 1;
        // Both report the standing (winning) reason, which is what the DB and the audit hold.
        expect(y.reason).toBe(winner.reason);
        expect(x.reason).toBe(winner.reason);
        const stored = raw.prepare("SELECT termination_reason AS r FROM sessions WHERE id = ?").get(id);
        expect(stored).toEqual({ r: winner.reason });
        const event = terminatedEvents.find((e) => e.id === id);
        expect(event?.actor).toBe(winner.actor);
        expect(JSON.parse(event?.data ?? "{}")).toEqual({ reason: winner.reason });
      });
      // Hooks ran once per won write, in the process that won it.
      expect(ra.hooks).toBe(winsA);
      expect(rb.hooks).toBe(ids.length - winsA);
    },
    30_000,
  );

  test("a termination landing between the gate's read and its activity write answers gone, not admitted", () => {
    const clock = new ManualClock(T0);
    const a = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const b = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(a);
    // Interpose on A's read: right after A sees the session live, B (another connection) terminates it.
    const read = a.store.getSession.bind(a.store);
    let interposed = false;
    a.store.getSession = (sid) => {
      const row = read(sid);
      if (!interposed) {
        interposed = true;
        b.termination.terminate(id, "host_shutdown", "system:host");
      }
      return row;
    };
    expect(a.governor.admit(id, "stream")).toMatchObject({ kind: "gone", reason: "host_shutdown", actor: "system:host" });
    expect(a.governor.activeSlots(id)).toBe(0);
    expect(b.sessions.get(id)?.lastActivityAtMs).toBe(T0);
  });
});
