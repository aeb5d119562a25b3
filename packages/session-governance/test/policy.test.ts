import { describe, expect, test } from "vitest";
import { InvalidPolicyError } from "../src/errors.js";
import { resolveGovernancePolicy, resolveSessionLimits } from "../src/policy.js";

describe("resolveGovernancePolicy", () => {
  test("fills every documented default", () => {
    expect(resolveGovernancePolicy()).toEqual({
      defaults: { idleTimeoutMs: 300_000, maxLifetimeMs: 14_400_000, maxConcurrentOps: 2, concurrencyPolicy: "terminate" },
      ceilings: { idleTimeoutMs: 3_600_000, maxLifetimeMs: 86_400_000, maxConcurrentOps: 8 },
      maxExtensionMs: 3_600_000,
      maxTotalLifetimeMs: 86_400_000,
      maxSessionsPerOwner: 16,
      rejectRetryAfterMs: 5_000,
      slotOperations: ["stream"],
      maxSessionsPerClient: 64,
      maxLiveSessions: 20_000,
    });
  });

  test("keeps given values", () => {
    const p = resolveGovernancePolicy({ defaults: { concurrencyPolicy: "reject", maxConcurrentOps: 4 }, slotOperations: ["stream", "record"] });
    expect(p.defaults).toMatchObject({ concurrencyPolicy: "reject", maxConcurrentOps: 4 });
    expect(p.slotOperations).toEqual(["stream", "record"]);
  });

  test.each([
    [{ defaults: { idleTimeoutMs: 0 } }, "defaults.idleTimeoutMs"],
    [{ defaults: { idleTimeoutMs: 7_200_000 } }, "defaults.idleTimeoutMs"], // above its ceiling
    [{ defaults: { maxLifetimeMs: 1.5 } }, "defaults.maxLifetimeMs"],
    [{ defaults: { maxConcurrentOps: 9 } }, "defaults.maxConcurrentOps"],
    [{ defaults: { concurrencyPolicy: "drop" } }, "defaults.concurrencyPolicy"],
    [{ defaults: { idle: 1 } }, "defaults.idle"],
    [{ ceilings: { maxLifetimeMs: -1 } }, "ceilings.maxLifetimeMs"],
    [{ ceilings: { maxConcurrentOps: 1_001 } }, "ceilings.maxConcurrentOps"],
    [{ maxTotalLifetimeMs: 1_000 }, "maxTotalLifetimeMs"], // below ceilings.maxLifetimeMs
    [{ maxExtensionMs: -1 }, "maxExtensionMs"],
    [{ maxSessionsPerOwner: 0 }, "maxSessionsPerOwner"],
    [{ rejectRetryAfterMs: "5s" }, "rejectRetryAfterMs"],
    [{ slotOperations: "stream" }, "slotOperations"],
    [{ slotOperations: ["Stream"] }, "slotOperations[0]"],
    [{ sweepEveryMs: 5 }, "policy.sweepEveryMs"],
  ])("rejects %j naming the field", (options, field) => {
    let error: unknown;
    try {
      resolveGovernancePolicy(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect(error).toMatchObject({ code: "invalid_policy", field });
  });
});

describe("resolveSessionLimits", () => {
  const policy = resolveGovernancePolicy();

  test("no override → the defaults", () => {
    expect(resolveSessionLimits(policy, undefined)).toEqual(policy.defaults);
  });

  test("clamps each number down to its ceiling and keeps the rest", () => {
    expect(resolveSessionLimits(policy, { idleTimeoutMs: 10 ** 12, maxConcurrentOps: 50 })).toEqual({
      idleTimeoutMs: 3_600_000,
      maxLifetimeMs: 14_400_000,
      maxConcurrentOps: 8,
      concurrencyPolicy: "terminate",
    });
    expect(resolveSessionLimits(policy, { maxLifetimeMs: 1, concurrencyPolicy: "reject" })).toMatchObject({ maxLifetimeMs: 1, concurrencyPolicy: "reject" });
  });

  test.each([[{ idleTimeoutMs: 0 }], [{ maxConcurrentOps: -3 }], [{ maxLifetimeMs: 2 ** 60 }], [{ extra: 1 }], [[]], ["x"]])("rejects %j", (override) => {
    expect(() => resolveSessionLimits(policy, override)).toThrow(InvalidPolicyError);
  });
});
