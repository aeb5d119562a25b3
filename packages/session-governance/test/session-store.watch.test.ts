import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { StoreUnavailableError } from "../src/errors.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// Issue 14 "the store can vanish unnoticed": a store whose file is gone, replaced or full
// refuses durable writes (nothing is acknowledged that was not stored) and says why.
describe("the store watches its file", () => {
  const fx = useFixture();

  test("database files are created 0600 and a looser existing file is tightened (and reported)", () => {
    const path = fx.dbPath();
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY, synchronous: "full" });
    createSession(gov);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(gov.store.tightenedFiles).toEqual([]);
    gov.close();
    const loose = fx.dbPath("loose.db");
    writeFileSync(loose, "", { mode: 0o644 });
    const again = fx.open(new ManualClock(T0), { path: loose });
    expect(again.store.tightenedFiles).toEqual([loose]);
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });

  test("deleted while open: not healthy, writes refused; the preserved copy keeps every acknowledged termination", async () => {
    const clock = new ManualClock(T0);
    const path = fx.dbPath();
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const other = createSession(gov).id;
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    expect(gov.store.health()).toEqual({ ok: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    expect(gov.store.health()).toMatchObject({ ok: false, problem: "gone" });
    expect(() => gov.termination.terminate(other, "admin_terminated", "operator:ann")).toThrow(StoreUnavailableError);
    expect(() => gov.sessions.create({ ownerId: "device:new" })).toThrow(StoreUnavailableError);
    expect(await gov.store.preserveLostFile()).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    gov.close();
    const after = fx.open(clock, { policy: SMALL_POLICY });
    expect(after.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "admin_terminated" });
    expect(after.governor.admit(other, "status").kind).toBe("admitted");
  });

  test("replaced while open: refused, and the preserved copy goes next to the new file, not over it", async () => {
    const clock = new ManualClock(T0);
    const path = fx.dbPath();
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    createSession(gov);
    renameSync(path, `${path}.moved`);
    writeFileSync(path, "");
    expect(gov.store.health()).toMatchObject({ ok: false, problem: "replaced" });
    const written = await gov.store.preserveLostFile();
    expect(written).toMatch(/sessions\.db\.orphaned-\d+$/);
    expect(statSync(path).size).toBe(0);
    const copy = new Database(written as string, { readonly: true });
    expect((copy.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n).toBe(1);
    copy.close();
  });

  test("a full database refuses with SQLITE_FULL, reports full until a write succeeds again", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 100_000 } });
    const raw = new Database(fx.dbPath());
    const pages = (raw.pragma("page_count", { simple: true }) as number) + 1;
    raw.close();
    // Cap this connection's file size: the next page it needs is refused as a full disk would be.
    (gov.store as unknown as { db: Database.Database }).db.pragma(`max_page_count = ${pages}`);
    let failure: unknown;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      try {
        gov.sessions.create({ ownerId: `device:${i}` });
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toMatchObject({ code: "store_failure", sqliteCode: "SQLITE_FULL" });
    expect(gov.store.health()).toMatchObject({ ok: false, problem: "full" });
    expect(() => gov.sessions.create({ ownerId: "device:x" })).toThrow(/SQLITE_FULL/);
    (gov.store as unknown as { db: Database.Database }).db.pragma(`max_page_count = ${pages + 1000}`);
    expect(gov.sessions.create({ ownerId: "device:x" }).kind).toBe("created");
    expect(gov.store.health()).toEqual({ ok: true });
  });
});
