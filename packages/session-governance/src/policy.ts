import { InvalidPolicyError } from "./errors.js";
import { parseOperation } from "./identifiers.js";

/**
 * What happens when an operation would exceed `maxConcurrentOps`: `terminate` ends the
 * session with reason `concurrency_limit` (the seed's rule, the default); `reject` refuses
 * the one operation (HTTP 429 + Retry-After) and leaves the session alive.
 */
export type ConcurrencyPolicy = "terminate" | "reject";

/** The limits of one session, frozen into its row at creation. */
export interface SessionLimits {
  /** Inactivity that ends the session, ms. Default 300 000 (5 min). */
  readonly idleTimeoutMs: number;
  /** Lifetime from creation to the hard deadline, ms (extend may move the deadline). Default 14 400 000 (4 h). */
  readonly maxLifetimeMs: number;
  /** Slot-holding operations (open streams) allowed at once. Default 2. */
  readonly maxConcurrentOps: number;
  /** Default `terminate`. */
  readonly concurrencyPolicy: ConcurrencyPolicy;
}

/** A per-session override at `create`: any subset; numbers are clamped to the ceilings. */
export type SessionLimitsOverride = Partial<SessionLimits>;

/** Upper bounds for per-session overrides (an override above one is clamped down to it). */
export interface SessionCeilings {
  /** Default 3 600 000 (1 h). */
  readonly idleTimeoutMs: number;
  /** Default 86 400 000 (24 h). */
  readonly maxLifetimeMs: number;
  /** Default 8. */
  readonly maxConcurrentOps: number;
}

/** The resolved governance policy; every field filled and range-checked. */
export interface GovernancePolicy {
  readonly defaults: SessionLimits;
  readonly ceilings: SessionCeilings;
  /** Largest single `extend` step, ms; 0 disables extending. Default 3 600 000 (1 h). */
  readonly maxExtensionMs: number;
  /** Absolute cap on a session's life, extensions included, ms; frozen per session. Default 86 400 000 (24 h); must be >= `ceilings.maxLifetimeMs`. */
  readonly maxTotalLifetimeMs: number;
  /** Live (not terminated) sessions one owner may hold; `create` refuses beyond it. Default 16. */
  readonly maxSessionsPerOwner: number;
  /** `retryAfterMs` reported by a `rejected` decision. Default 5 000. */
  readonly rejectRetryAfterMs: number;
  /** Operations that hold a concurrency slot while they run. Default `["stream"]`. */
  readonly slotOperations: readonly string[];
  /**
   * Live sessions created from one client address (the host's word for where the request
   * came from, never a client-chosen name), whatever owners they claim. Default 64.
   */
  readonly maxSessionsPerClient: number;
  /** Live sessions in the whole store; `create` refuses beyond it. Default 20 000. */
  readonly maxLiveSessions: number;
}

/** Options accepted by {@link resolveGovernancePolicy}: any subset of {@link GovernancePolicy}. */
export interface GovernancePolicyOptions {
  readonly defaults?: Partial<SessionLimits>;
  readonly ceilings?: Partial<SessionCeilings>;
  readonly maxExtensionMs?: number;
  readonly maxTotalLifetimeMs?: number;
  readonly maxSessionsPerOwner?: number;
  readonly rejectRetryAfterMs?: number;
  readonly slotOperations?: readonly string[];
  readonly maxSessionsPerClient?: number;
  readonly maxLiveSessions?: number;
}

const DAY_MS = 86_400_000;
/** Largest duration accepted anywhere in a policy: 366 days, ms. */
export const MAX_POLICY_DURATION_MS = 366 * DAY_MS;
const MAX_CONCURRENT_OPS = 1_000;

const DEFAULT_POLICY: GovernancePolicy = {
  defaults: { idleTimeoutMs: 300_000, maxLifetimeMs: 14_400_000, maxConcurrentOps: 2, concurrencyPolicy: "terminate" },
  ceilings: { idleTimeoutMs: 3_600_000, maxLifetimeMs: DAY_MS, maxConcurrentOps: 8 },
  maxExtensionMs: 3_600_000,
  maxTotalLifetimeMs: DAY_MS,
  maxSessionsPerOwner: 16,
  rejectRetryAfterMs: 5_000,
  slotOperations: ["stream"],
  maxSessionsPerClient: 64,
  maxLiveSessions: 20_000,
};

const LIMIT_KEYS = ["idleTimeoutMs", "maxLifetimeMs", "maxConcurrentOps", "concurrencyPolicy"] as const;
const CEILING_KEYS = ["idleTimeoutMs", "maxLifetimeMs", "maxConcurrentOps"] as const;
const POLICY_KEYS = [
  "defaults",
  "ceilings",
  "maxExtensionMs",
  "maxTotalLifetimeMs",
  "maxSessionsPerOwner",
  "rejectRetryAfterMs",
  "slotOperations",
  "maxSessionsPerClient",
  "maxLiveSessions",
] as const;

/**
 * Fills defaults and checks every range once, at construction, so bad configuration
 * fails at start. @throws InvalidPolicyError naming the offending field.
 */
export function resolveGovernancePolicy(options: GovernancePolicyOptions = {}): GovernancePolicy {
  const o = checkObject(options, "policy", POLICY_KEYS);
  const d = checkObject(o.defaults ?? {}, "defaults", LIMIT_KEYS);
  const c = checkObject(o.ceilings ?? {}, "ceilings", CEILING_KEYS);
  const ceilings: SessionCeilings = {
    idleTimeoutMs: int(c.idleTimeoutMs ?? DEFAULT_POLICY.ceilings.idleTimeoutMs, "ceilings.idleTimeoutMs", 1, MAX_POLICY_DURATION_MS),
    maxLifetimeMs: int(c.maxLifetimeMs ?? DEFAULT_POLICY.ceilings.maxLifetimeMs, "ceilings.maxLifetimeMs", 1, MAX_POLICY_DURATION_MS),
    maxConcurrentOps: int(c.maxConcurrentOps ?? DEFAULT_POLICY.ceilings.maxConcurrentOps, "ceilings.maxConcurrentOps", 1, MAX_CONCURRENT_OPS),
  };
  const defaults: SessionLimits = {
    idleTimeoutMs: int(d.idleTimeoutMs ?? DEFAULT_POLICY.defaults.idleTimeoutMs, "defaults.idleTimeoutMs", 1, ceilings.idleTimeoutMs),
    maxLifetimeMs: int(d.maxLifetimeMs ?? DEFAULT_POLICY.defaults.maxLifetimeMs, "defaults.maxLifetimeMs", 1, ceilings.maxLifetimeMs),
    maxConcurrentOps: int(d.maxConcurrentOps ?? DEFAULT_POLICY.defaults.maxConcurrentOps, "defaults.maxConcurrentOps", 1, ceilings.maxConcurrentOps),
    concurrencyPolicy: concurrencyPolicy(d.concurrencyPolicy ?? DEFAULT_POLICY.defaults.concurrencyPolicy, "defaults.concurrencyPolicy"),
  };
  const slotOperations = o.slotOperations ?? DEFAULT_POLICY.slotOperations;
  if (!Array.isArray(slotOperations)) throw new InvalidPolicyError("slotOperations", "must be an array of operation names");
  slotOperations.forEach((op: unknown, i) => {
    try {
      parseOperation(op);
    } catch {
      throw new InvalidPolicyError(`slotOperations[${i}]`, "not an operation name");
    }
  });
  return {
    defaults,
    ceilings,
    maxExtensionMs: int(o.maxExtensionMs ?? DEFAULT_POLICY.maxExtensionMs, "maxExtensionMs", 0, MAX_POLICY_DURATION_MS),
    maxTotalLifetimeMs: int(
      o.maxTotalLifetimeMs ?? DEFAULT_POLICY.maxTotalLifetimeMs,
      "maxTotalLifetimeMs",
      ceilings.maxLifetimeMs,
      MAX_POLICY_DURATION_MS,
    ),
    maxSessionsPerOwner: int(o.maxSessionsPerOwner ?? DEFAULT_POLICY.maxSessionsPerOwner, "maxSessionsPerOwner", 1, 1_000_000),
    rejectRetryAfterMs: int(o.rejectRetryAfterMs ?? DEFAULT_POLICY.rejectRetryAfterMs, "rejectRetryAfterMs", 0, DAY_MS),
    slotOperations: Object.freeze([...(slotOperations as string[])]),
    maxSessionsPerClient: int(o.maxSessionsPerClient ?? DEFAULT_POLICY.maxSessionsPerClient, "maxSessionsPerClient", 1, 1_000_000),
    maxLiveSessions: int(o.maxLiveSessions ?? DEFAULT_POLICY.maxLiveSessions, "maxLiveSessions", 1, 100_000_000),
  };
}

/**
 * The limits a new session gets: the policy's defaults, overridden field by field by
 * `override`, each number clamped down to its ceiling. @throws InvalidPolicyError when the
 * override is not an object, has unknown keys, or holds a non-integer, < 1 or unknown value.
 */
export function resolveSessionLimits(policy: GovernancePolicy, override: unknown): SessionLimits {
  if (override === undefined) return policy.defaults;
  const o = checkObject(override, "override", LIMIT_KEYS);
  const clamp = (value: unknown, field: "idleTimeoutMs" | "maxLifetimeMs" | "maxConcurrentOps"): number =>
    value === undefined
      ? policy.defaults[field]
      : Math.min(int(value, `override.${field}`, 1, Number.MAX_SAFE_INTEGER), policy.ceilings[field]);
  return {
    idleTimeoutMs: clamp(o.idleTimeoutMs, "idleTimeoutMs"),
    maxLifetimeMs: clamp(o.maxLifetimeMs, "maxLifetimeMs"),
    maxConcurrentOps: clamp(o.maxConcurrentOps, "maxConcurrentOps"),
    concurrencyPolicy:
      o.concurrencyPolicy === undefined
        ? policy.defaults.concurrencyPolicy
        : concurrencyPolicy(o.concurrencyPolicy, "override.concurrencyPolicy"),
  };
}

function checkObject<K extends string>(value: unknown, field: string, keys: readonly K[]): Partial<Record<K, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidPolicyError(field, "must be an object");
  }
  for (const key of Object.keys(value)) {
    if (!(keys as readonly string[]).includes(key)) throw new InvalidPolicyError(`${field}.${key}`, "unknown field");
  }
  return value as Partial<Record<K, unknown>>;
}

function int(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new InvalidPolicyError(field, "must be an integer");
  if (value < min || value > max) throw new InvalidPolicyError(field, `must be in [${min}, ${max}], got ${value}`);
  return value;
}

function concurrencyPolicy(value: unknown, field: string): ConcurrencyPolicy {
  if (value !== "terminate" && value !== "reject") throw new InvalidPolicyError(field, 'must be "terminate" or "reject"');
  return value;
}
