import { describe, expect, test } from "vitest";
import { InvalidArgumentError, InvalidOwnerIdError, InvalidPolicyError, InvalidSessionIdError, InvalidActorError, InvalidReasonError } from "../src/errors.js";
import { ManualClock, SMALL_POLICY, T0, counts, createSession, useFixture } from "./helpers.js";

describe("SessionService", () => {
  const fx = useFixture();

  describe("create", () => {
    test("applies the policy defaults, freezes them in the row, and audits `created` in the same transaction", () => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      const created = gov.sessions.create({ ownerId: "device:tv-1" });
      if (created.kind !== "created") throw new Error("expected created");
      expect(created.session).toMatchObject({
        ownerId: "device:tv-1",
        state: "live",
        createdAtMs: T0,
        lastActivityAtMs: T0,
        lastActivityKind: "create",
        idleTimeoutMs: 10_000,
        maxConcurrentOps: 2,
        concurrencyPolicy: "terminate",
        hardDeadlineAtMs: T0 + 60_000,
        maxDeadlineAtMs: T0 + 120_000,
        idleDeadlineAtMs: T0 + 10_000,
        activeOperations: [],
        termination: null,
      });
      expect(gov.sessions.get(created.session.id)).toEqual(created.session);
      expect(gov.sessions.events(created.session.id).events).toEqual([
        {
          seq: 1,
          sessionId: created.session.id,
          atMs: T0,
          actor: "owner:device:tv-1",
          kind: "created",
          ownerId: "device:tv-1",
          limits: { idleTimeoutMs: 10_000, maxLifetimeMs: 60_000, maxConcurrentOps: 2, concurrencyPolicy: "terminate" },
          hardDeadlineAtMs: T0 + 60_000,
          maxDeadlineAtMs: T0 + 120_000,
        },
      ]);
    });

    test("ids are 128-bit random hex and never repeat; the token is returned once and stored only as a hash", () => {
      const gov = fx.open(new ManualClock(T0), { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 500 } });
      const made = Array.from({ length: 64 }, (_, i) => createSession(gov, `device:${i}`));
      expect(new Set(made.map((m) => m.id)).size).toBe(64);
      for (const m of made) expect(m.id).toMatch(/^[0-9a-f]{32}$/);
      const first = made[0];
      if (first === undefined) throw new Error("none");
      expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const raw = fx.raw();
      const stored = raw.prepare("SELECT token_hash AS h FROM sessions WHERE id = ?").get(first.id) as { h: string };
      expect(stored.h).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.h).not.toContain(first.token);
      const dump = JSON.stringify(raw.prepare("SELECT * FROM sessions").all()) + JSON.stringify(raw.prepare("SELECT * FROM session_events").all());
      for (const m of made) expect(dump).not.toContain(m.token);
    });

    test("a per-session override is clamped to the ceilings", () => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      const { session } = createSession(gov, "device:tv-1", { idleTimeoutMs: 999_999, maxLifetimeMs: 5_000, maxConcurrentOps: 99, concurrencyPolicy: "reject" });
      expect(session).toMatchObject({ idleTimeoutMs: 20_000, hardDeadlineAtMs: T0 + 5_000, maxConcurrentOps: 4, concurrencyPolicy: "reject" });
      const lifetime = createSession(gov, "device:tv-2", { maxLifetimeMs: 10_000_000 }).session;
      expect(lifetime.hardDeadlineAtMs).toBe(T0 + 90_000);
    });

    test("caps live sessions per owner; terminated and expired sessions do not count", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const ids = [createSession(gov).id, createSession(gov).id, createSession(gov).id];
      const before = counts(fx.raw());
      expect(gov.sessions.create({ ownerId: "device:tv-1" })).toEqual({ kind: "owner_limit", ownerId: "device:tv-1", limit: 3, active: 3 });
      expect(counts(fx.raw())).toEqual(before);
      expect(gov.sessions.create({ ownerId: "device:other" }).kind).toBe("created");
      gov.termination.terminate(ids[0], "user_requested", "session:self");
      expect(gov.sessions.create({ ownerId: "device:tv-1" }).kind).toBe("created");
      // Everyone goes idle: create enforces that (request-driven) before counting.
      clock.advance(10_000);
      expect(gov.sessions.create({ ownerId: "device:tv-1" }).kind).toBe("created");
      expect(gov.sessions.get(ids[1])?.termination?.reason).toBe("idle_timeout");
    });

    test.each([
      [{ ownerId: "" }, InvalidOwnerIdError],
      [{ ownerId: "has space" }, InvalidOwnerIdError],
      [{ ownerId: 7 }, InvalidOwnerIdError],
      [{ ownerId: "x".repeat(129) }, InvalidOwnerIdError],
      [{ ownerId: "ok", limits: { idleTimeoutMs: -1 } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { idleTimeoutMs: 0 } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { idleTimeoutMs: 1.5 } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { maxLifetimeMs: Number.NaN } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { maxLifetimeMs: Number.POSITIVE_INFINITY } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { maxConcurrentOps: "2" } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { concurrencyPolicy: "ignore" } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: { idleTimeout: 5 } }, InvalidPolicyError],
      [{ ownerId: "ok", limits: "fast" }, InvalidPolicyError],
      [{ ownerId: "ok", limits: null }, InvalidPolicyError],
      [{ ownerId: "ok", actor: "" }, InvalidActorError],
      [null, InvalidArgumentError],
    ])("garbage %j → typed error, nothing written", (input, ErrorClass) => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      expect(() => gov.sessions.create(input as never)).toThrow(ErrorClass);
      expect(counts(fx.raw())).toEqual({ sessions: 0, events: 0, terminated: 0 });
    });
  });

  describe("get / heartbeat", () => {
    test("get reports running operations and pauses the idle deadline while they run; unknown ids are undefined", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
      const { id } = createSession(gov);
      clock.advance(100);
      gov.governor.admit(id, "stream");
      expect(gov.sessions.get(id)).toMatchObject({ activeOperations: [{ operation: "stream", admittedAtMs: T0 + 100 }], idleDeadlineAtMs: null });
      expect(gov.sessions.get("0".repeat(32))).toBeUndefined();
      expect(() => gov.sessions.get("nope")).toThrow(InvalidSessionIdError);
    });

    test("heartbeat goes through the gate: records activity, or answers gone / not found", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(9_000);
      expect(gov.sessions.heartbeat(id)).toMatchObject({ kind: "ok", session: { lastActivityAtMs: T0 + 9_000, lastActivityKind: "heartbeat" } });
      clock.advance(10_000);
      expect(gov.sessions.heartbeat(id)).toMatchObject({ kind: "gone", reason: "idle_timeout" });
      expect(gov.sessions.heartbeat("1".repeat(32))).toEqual({ kind: "not_found", sessionId: "1".repeat(32) });
    });
  });

  describe("extend", () => {
    test("moves the hard deadline, clamped to maxExtensionMs and to the max deadline, audited each time", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(1_000);
      expect(gov.sessions.extend(id, 45_000, "session:self")).toEqual({
        kind: "extended",
        previousDeadlineAtMs: T0 + 60_000,
        hardDeadlineAtMs: T0 + 90_000,
        grantedMs: 30_000,
        maxDeadlineAtMs: T0 + 120_000,
      });
      expect(gov.sessions.extend(id, 25_000, "session:self")).toMatchObject({ kind: "extended", hardDeadlineAtMs: T0 + 115_000, grantedMs: 25_000 });
      expect(gov.sessions.extend(id, 25_000, "operator:ann")).toMatchObject({ kind: "extended", hardDeadlineAtMs: T0 + 120_000, grantedMs: 5_000 });
      const before = counts(fx.raw());
      expect(gov.sessions.extend(id, 1, "session:self")).toEqual({ kind: "limit_reached", hardDeadlineAtMs: T0 + 120_000, maxDeadlineAtMs: T0 + 120_000 });
      expect(counts(fx.raw())).toEqual(before);
      const extended = gov.sessions.events(id).events.filter((e) => e.kind === "extended");
      expect(extended).toEqual([
        expect.objectContaining({ actor: "session:self", previousDeadlineAtMs: T0 + 60_000, hardDeadlineAtMs: T0 + 90_000, requestedMs: 45_000, atMs: T0 + 1_000 }),
        expect.objectContaining({ previousDeadlineAtMs: T0 + 90_000, hardDeadlineAtMs: T0 + 115_000 }),
        expect.objectContaining({ actor: "operator:ann", hardDeadlineAtMs: T0 + 120_000 }),
      ]);
    });

    test("cannot resurrect: extending at the deadline terminates max_lifetime and answers gone", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: { ...SMALL_POLICY, defaults: { ...SMALL_POLICY.defaults, idleTimeoutMs: 20_000, maxLifetimeMs: 15_000 } } });
      const { id } = createSession(gov);
      clock.advance(15_000);
      expect(gov.sessions.extend(id, 10_000, "session:self")).toMatchObject({ kind: "gone", reason: "max_lifetime" });
      expect(gov.sessions.get(id)?.hardDeadlineAtMs).toBe(T0 + 15_000);
    });

    test.each([0, -5, 1.5, Number.NaN, "1000", null])("byMs %j → InvalidArgumentError, nothing written", (byMs) => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      const before = counts(fx.raw());
      expect(() => gov.sessions.extend(id, byMs, "session:self")).toThrow(InvalidArgumentError);
      expect(counts(fx.raw())).toEqual(before);
      expect(gov.sessions.get(id)?.lastActivityKind).toBe("create");
    });
  });

  describe("list", () => {
    test("filters by owner, state and reason, newest first, with keyset paging", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 100 } });
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        clock.advance(1);
        made.push(createSession(gov, i % 2 === 0 ? "device:even" : "device:odd").id);
      }
      gov.termination.terminate(made[0], "user_requested", "session:self");
      gov.termination.terminate(made[3], "admin_terminated", "operator:ann");

      const all = gov.sessions.list();
      expect(all.sessions.map((s) => s.id)).toEqual([...made].reverse());
      expect(all.nextCursor).toBeNull();

      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = gov.sessions.list({}, { limit: 3, ...(cursor !== undefined ? { cursor } : {}) });
        pages.push(...page.sessions.map((s) => s.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pages).toEqual([...made].reverse());

      expect(gov.sessions.list({ ownerId: "device:even" }).sessions.map((s) => s.id)).toEqual([made[6], made[4], made[2], made[0]]);
      expect(gov.sessions.list({ state: "terminated" }).sessions.map((s) => s.id)).toEqual([made[3], made[0]]);
      expect(gov.sessions.list({ state: "live", ownerId: "device:odd" }).sessions.map((s) => s.id)).toEqual([made[5], made[1]]);
      expect(gov.sessions.list({ reason: "admin_terminated" }).sessions.map((s) => s.id)).toEqual([made[3]]);
    });

    test("rejects garbage filters and paging with typed errors", () => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      expect(() => gov.sessions.list({ state: "zombie" as never })).toThrow(InvalidArgumentError);
      expect(() => gov.sessions.list({ reason: "bored" as never })).toThrow(InvalidReasonError);
      expect(() => gov.sessions.list({ ownerId: "a b" })).toThrow(InvalidOwnerIdError);
      expect(() => gov.sessions.list({}, { limit: 0 })).toThrow(InvalidArgumentError);
      expect(() => gov.sessions.list({}, { limit: 501 })).toThrow(InvalidArgumentError);
      expect(() => gov.sessions.list({}, { cursor: "not a cursor!" })).toThrow(InvalidArgumentError);
      expect(() => gov.sessions.list({}, { cursor: Buffer.from("1:zz").toString("base64url") })).toThrow(InvalidArgumentError);
    });
  });

  describe("events and the global feed", () => {
    test("per-session events and a global feed resumable from a cursor, oldest first", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const a = createSession(gov, "device:a").id;
      const b = createSession(gov, "device:b").id;
      clock.advance(10);
      gov.sessions.extend(a, 1_000, "session:self");
      gov.termination.terminate(b, "admin_terminated", "operator:ann");
      gov.termination.terminate(a, "user_requested", "session:self");

      const first = gov.sessions.feed({ limit: 2 });
      expect(first.events.map((e) => [e.sessionId, e.kind])).toEqual([[a, "created"], [b, "created"]]);
      const rest = gov.sessions.feed({ afterSeq: first.nextAfterSeq });
      expect(rest.events.map((e) => [e.sessionId, e.kind])).toEqual([[a, "extended"], [b, "terminated"], [a, "terminated"]]);
      expect(gov.sessions.feed({ afterSeq: rest.nextAfterSeq })).toEqual({ events: [], nextAfterSeq: rest.nextAfterSeq });
      expect(gov.sessions.events(a).events.map((e) => e.kind)).toEqual(["created", "extended", "terminated"]);
      expect(gov.sessions.events(b).events.at(-1)).toMatchObject({ kind: "terminated", reason: "admin_terminated", actor: "operator:ann", atMs: T0 + 10 });
      expect(() => gov.sessions.feed({ afterSeq: -1 })).toThrow(InvalidArgumentError);
      expect(() => gov.sessions.events("x")).toThrow(InvalidSessionIdError);
    });
  });

  describe("verifyToken", () => {
    test("valid for the session's token, invalid for any other input, not_found for unknown ids; still valid once terminated", () => {
      const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
      const a = createSession(gov, "device:a");
      const b = createSession(gov, "device:b");
      expect(gov.sessions.verifyToken(a.id, a.token)).toBe("valid");
      expect(gov.sessions.verifyToken(a.id, b.token)).toBe("invalid");
      for (const garbage of ["", a.token.slice(1), `${a.token}x`, a.token.toUpperCase(), null, 42, undefined, { token: a.token }]) {
        expect(gov.sessions.verifyToken(a.id, garbage)).toBe("invalid");
      }
      expect(gov.sessions.verifyToken("2".repeat(32), a.token)).toBe("not_found");
      expect(() => gov.sessions.verifyToken("../../x", a.token)).toThrow(InvalidSessionIdError);
      gov.termination.terminate(a.id, "admin_terminated", "operator:ann");
      expect(gov.sessions.verifyToken(a.id, a.token)).toBe("valid");
    });
  });

  describe("tombstones (guarantee 4)", () => {
    test("a terminated session is never reported not found, however much time passes", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      gov.termination.terminate(id, "admin_terminated", "operator:ann");
      clock.advance(400 * 86_400_000);
      gov.governor.sweep();
      expect(gov.governor.admit(id, "status").kind).toBe("gone");
      expect(gov.sessions.heartbeat(id).kind).toBe("gone");
      expect(gov.sessions.get(id)?.state).toBe("terminated");
      expect(gov.sessions.verifyToken(id, "x")).toBe("invalid");
    });
  });
});
