import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../src/errors.js";
import { ManualClock, SMALL_POLICY, T0, useFixture } from "./helpers.js";

// Issue 14: a client-chosen owner must never lift the limits. The host passes the address
// it saw; the store counts live sessions per address and in total.
describe("admission limits independent of the claimed owner", () => {
  const fx = useFixture();
  const policy = { ...SMALL_POLICY, maxSessionsPerOwner: 100, maxSessionsPerClient: 3, maxLiveSessions: 5 };

  test("a new owner per request does not lift the per-address limit", () => {
    const gov = fx.open(new ManualClock(T0), { policy });
    const kinds = [0, 1, 2, 3, 4].map((i) => gov.sessions.create({ ownerId: `device:${i}`, clientAddress: "10.0.0.7" }).kind);
    expect(kinds).toEqual(["created", "created", "created", "client_limit", "client_limit"]);
    expect(gov.sessions.create({ ownerId: "device:9", clientAddress: "10.0.0.7" })).toEqual({ kind: "client_limit", clientAddress: "10.0.0.7", limit: 3, active: 3 });
    // Another address is counted on its own.
    expect(gov.sessions.create({ ownerId: "device:0", clientAddress: "10.0.0.8" }).kind).toBe("created");
  });

  test("ended and expired sessions of the address stop counting", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy });
    const first = gov.sessions.create({ ownerId: "a", clientAddress: "10.0.0.7" });
    for (const o of ["b", "c"]) gov.sessions.create({ ownerId: o, clientAddress: "10.0.0.7" });
    if (first.kind !== "created") throw new Error("refused");
    gov.termination.terminate(first.session.id, "user_requested", "session:x");
    expect(gov.sessions.create({ ownerId: "d", clientAddress: "10.0.0.7" }).kind).toBe("created");
    expect(gov.sessions.create({ ownerId: "e", clientAddress: "10.0.0.7" }).kind).toBe("client_limit");
    clock.advance(10_000); // every session is idle now: enforced before counting
    expect(gov.sessions.create({ ownerId: "e", clientAddress: "10.0.0.7" }).kind).toBe("created");
  });

  test("a global cap on live sessions; expired ones are swept before refusing", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy });
    for (let i = 0; i < 5; i++) expect(gov.sessions.create({ ownerId: `o${i}`, clientAddress: `10.0.1.${i}` }).kind).toBe("created");
    expect(gov.sessions.create({ ownerId: "o9", clientAddress: "10.0.1.9" })).toEqual({ kind: "capacity", limit: 5, active: 5 });
    clock.advance(10_000);
    expect(gov.sessions.create({ ownerId: "o9", clientAddress: "10.0.1.9" }).kind).toBe("created");
  });

  test("an address that is not 1-128 printable characters is refused before anything is written", () => {
    const gov = fx.open(new ManualClock(T0), { policy });
    for (const bad of ["", "a b", "x".repeat(129), 7]) {
      expect(() => gov.sessions.create({ ownerId: "a", clientAddress: bad as string })).toThrow(InvalidArgumentError);
    }
    expect(gov.sessions.list().sessions).toHaveLength(0);
  });
});
