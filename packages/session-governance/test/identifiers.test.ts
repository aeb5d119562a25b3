import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { InvalidActorError, InvalidOperationError, InvalidSessionIdError, isSessionGovernanceError } from "../src/errors.js";
import { generateSessionId, isSessionId, parseActor, parseOperation, parseSessionId } from "../src/identifiers.js";
import { generateSessionToken, hashSessionToken, tokenMatches } from "../src/session-token.js";
import { isTerminationReason, parseTerminationReason, TERMINATION_REASONS } from "../src/termination-reason.js";

describe("session ids", () => {
  test("are 32 lowercase hex characters (128 bits) and validate", () => {
    const ids = new Set(Array.from({ length: 1_000 }, generateSessionId));
    expect(ids.size).toBe(1_000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(parseSessionId(id)).toBe(id);
    }
  });

  test("property: anything that is not 32 lowercase hex characters is rejected with a typed error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object(), fc.string({ minLength: 32, maxLength: 32 })), (value) => {
        const valid = typeof value === "string" && /^[0-9a-f]{32}$/.test(value);
        expect(isSessionId(value)).toBe(valid);
        if (!valid) {
          expect(() => parseSessionId(value)).toThrow(InvalidSessionIdError);
        }
      }),
    );
  });

  test("the error carries a shortened copy of the input and a closed code", () => {
    let error: unknown;
    try {
      parseSessionId("x".repeat(500));
    } catch (e) {
      error = e;
    }
    expect(isSessionGovernanceError(error)).toBe(true);
    expect(error).toMatchObject({ code: "invalid_session_id", name: "InvalidSessionIdError" });
    expect((error as InvalidSessionIdError).input.length).toBeLessThan(80);
  });
});

describe("operations, actors and reasons", () => {
  test("operation names", () => {
    for (const ok of ["stream", "heartbeat", "status", "extend", "end", "a.b-c_d"]) expect(parseOperation(ok)).toBe(ok);
    for (const bad of ["", "Stream", "1stream", "x".repeat(65), "st ream", 5, null]) expect(() => parseOperation(bad)).toThrow(InvalidOperationError);
  });

  test("actors", () => {
    for (const ok of ["system:governor", "operator:alice@example.org", "session:abc/def"]) expect(parseActor(ok)).toBe(ok);
    for (const bad of ["", "a b", "x".repeat(201), "é", undefined]) expect(() => parseActor(bad)).toThrow(InvalidActorError);
  });

  test("reasons are exactly the closed list", () => {
    expect(TERMINATION_REASONS).toEqual(["idle_timeout", "max_lifetime", "concurrency_limit", "user_requested", "admin_terminated", "host_shutdown"]);
    for (const r of TERMINATION_REASONS) expect(parseTerminationReason(r)).toBe(r);
    for (const bad of ["", "timeout", "Idle_Timeout", "toString", "__proto__", 1]) expect(isTerminationReason(bad)).toBe(false);
  });
});

describe("session tokens", () => {
  test("are 43 base64url characters; only the SHA-256 is compared", () => {
    const token = generateSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hash = hashSessionToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(generateSessionToken(), hash)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches(undefined, hash)).toBe(false);
  });
});
