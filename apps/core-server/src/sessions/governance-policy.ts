import type { GovernancePolicyOptions } from "@retrovue/session-governance";
import type { LimitsConfig, SessionAdmissionConfig } from "../config/server-config.js";

const HOUR_MS = 3_600_000;

/**
 * The session policy from the server's limits. Per-session overrides asked for at
 * `POST /sessions` are clamped to ceilings that are at least the configured defaults
 * (1 h idle, 8 streams, or more if configured), and a lifetime ceiling equal to the
 * lifetime cap, so an override can never outlive `--session-lifetime-cap-ms`.
 */
export function governancePolicyFromConfig(limits: LimitsConfig, sessions?: SessionAdmissionConfig): GovernancePolicyOptions {
  return {
    defaults: {
      idleTimeoutMs: limits.sessionIdleTimeoutMs,
      maxLifetimeMs: limits.sessionMaxLifetimeMs,
      maxConcurrentOps: limits.maxStreamsPerSession,
      concurrencyPolicy: limits.concurrencyPolicy,
    },
    ceilings: {
      idleTimeoutMs: Math.max(HOUR_MS, limits.sessionIdleTimeoutMs),
      maxLifetimeMs: limits.sessionLifetimeCapMs,
      maxConcurrentOps: Math.max(8, limits.maxStreamsPerSession),
    },
    maxExtensionMs: limits.sessionMaxExtensionMs,
    maxTotalLifetimeMs: limits.sessionLifetimeCapMs,
    maxSessionsPerOwner: limits.maxSessionsPerOwner,
    slotOperations: ["stream"],
    ...(sessions !== undefined ? { maxSessionsPerClient: sessions.maxSessionsPerClient, maxLiveSessions: sessions.maxLiveSessions } : {}),
  };
}
