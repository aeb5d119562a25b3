/** Answer of {@link CreationRateLimiter.take}. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** Options of {@link createCreationRateLimiter}. */
export interface CreationRateLimiterOptions {
  /** Tokens per minute per key, and the bucket size (burst). */
  readonly perMinute: number;
  /** Most keys remembered; the least recently used is forgotten beyond (a full bucket is the same as none). Default 100 000. */
  readonly maxKeys?: number;
}

/** A token bucket per key (client address), refilled continuously. */
export interface CreationRateLimiter {
  /** Takes one token for `key` at `nowMs`, or says how long until one is there. */
  take(key: string, nowMs: number): RateDecision;
  /** Keys remembered now. */
  readonly size: number;
}

/**
 * Session creation rate per client address (issue 14: 22.9k sessions in 15 s from one
 * address). In memory: a restart forgets it, which only ever lets a client in sooner.
 */
export function createCreationRateLimiter(options: CreationRateLimiterOptions): CreationRateLimiter {
  const capacity = options.perMinute;
  const perMs = options.perMinute / 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return {
    take(key, nowMs) {
      const known = buckets.get(key);
      const bucket = known ?? { tokens: capacity, atMs: nowMs };
      bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * perMs);
      bucket.atMs = nowMs;
      // Re-inserting keeps Map order = least recently used first.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
    get size() {
      return buckets.size;
    },
  };
}
