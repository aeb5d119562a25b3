/** A resolved guide window: epoch ms, aligned to the bucket, `fromMs < toMs`. */
export interface GuideWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Limits and defaults of {@link parseGuideWindow}. */
export interface GuideWindowOptions {
  /** Default start before now, ms. Default 3_600_000 (1 h). */
  readonly defaultPastMs: number;
  /** Default end after now, ms (what `hours` overrides). Default 86_400_000 (24 h). */
  readonly defaultFutureMs: number;
  /** Longest window a client may ask for, ms. Default 604_800_000 (7 days). */
  readonly maxWindowMs: number;
  /**
   * Both ends are widened to multiples of this (from down, to up), so requests made within
   * the same bucket share one cache entry. Default 300_000 (5 min); 1 disables alignment.
   */
  readonly bucketMs: number;
  /** Earliest `from` a client may ask for, ms before now. Default 604_800_000 (7 days). */
  readonly maxPastMs: number;
  /** Latest `to` a client may ask for, ms after now. Default 1_209_600_000 (14 days). */
  readonly maxFutureMs: number;
}

/** Defaults of {@link GuideWindowOptions}. */
export const defaultGuideWindowOptions: GuideWindowOptions = {
  defaultPastMs: 3_600_000,
  defaultFutureMs: 86_400_000,
  maxWindowMs: 7 * 86_400_000,
  bucketMs: 300_000,
  maxPastMs: 7 * 86_400_000,
  maxFutureMs: 14 * 86_400_000,
};

/** A query the guide cannot answer: which parameter and why (becomes a 400 problem). */
export interface GuideWindowProblem {
  readonly param: "from" | "to" | "hours" | "window";
  readonly detail: string;
}

/** Result of {@link parseGuideWindow}: a window, or the problem with the query. */
export type GuideWindowResult =
  | { readonly ok: true; readonly window: GuideWindow }
  | { readonly ok: false; readonly problem: GuideWindowProblem };

// An instant with an explicit zone: a bare local time would mean different things on
// different servers.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const DECIMAL = /^\d+(?:\.\d+)?$/;

function single(query: URLSearchParams, name: "from" | "to" | "hours"): string | undefined | GuideWindowProblem {
  const values = query.getAll(name);
  if (values.length > 1) return { param: name, detail: `${name} given more than once` };
  return values[0];
}

// Date.parse alone is lenient (it reads 2026-02-30 as March 2), so each field is range-checked.
function fieldsInRange(m: RegExpExecArray): boolean {
  const n = (i: number): number => Number(m[i] ?? 0);
  const daysInMonth = new Date(Date.UTC(n(1), n(2), 0)).getUTCDate();
  return n(2) >= 1 && n(2) <= 12 && n(3) >= 1 && n(3) <= daysInMonth && n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(7) <= 23 && n(8) <= 59;
}

function instant(name: "from" | "to", value: string): number | GuideWindowProblem {
  const match = ISO_INSTANT.exec(value);
  const ms = match !== null && fieldsInRange(match) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    return { param: name, detail: `${name} must be an ISO 8601 instant with Z or an offset, e.g. 2026-01-01T12:00:00Z` };
  }
  return ms;
}

const isProblem = (v: unknown): v is GuideWindowProblem => typeof v === "object" && v !== null;

/**
 * Reads the guide window from `?from=ISO&to=ISO` or `?hours=N` (0 < N <= max window: hours
 * after `from` when given, else after now). Defaults: from = now − defaultPastMs, to = now + defaultFutureMs
 * (or from + defaultPastMs + defaultFutureMs when only `from` is given). `to` and `hours`
 * together, repeated parameters, bad instants, from >= to, or a window longer than
 * `maxWindowMs` give `{ ok: false, problem }`. Other parameters are ignored.
 */
export function parseGuideWindow(
  query: URLSearchParams,
  nowMs: number,
  options: GuideWindowOptions = defaultGuideWindowOptions,
): GuideWindowResult {
  const fromRaw = single(query, "from");
  const toRaw = single(query, "to");
  const hoursRaw = single(query, "hours");
  for (const v of [fromRaw, toRaw, hoursRaw]) if (isProblem(v)) return { ok: false, problem: v };
  const fail = (problem: GuideWindowProblem): GuideWindowResult => ({ ok: false, problem });

  let fromMs = nowMs - options.defaultPastMs;
  if (typeof fromRaw === "string") {
    const parsed = instant("from", fromRaw);
    if (isProblem(parsed)) return fail(parsed);
    fromMs = parsed;
  }

  let toMs: number;
  if (typeof hoursRaw === "string") {
    if (typeof toRaw === "string") return fail({ param: "hours", detail: "give either to or hours, not both" });
    const hours = DECIMAL.test(hoursRaw) ? Number(hoursRaw) : Number.NaN;
    if (!(hours > 0) || hours * 3_600_000 > options.maxWindowMs) {
      return fail({ param: "hours", detail: `hours must be a number > 0 and <= ${options.maxWindowMs / 3_600_000}` });
    }
    toMs = (typeof fromRaw === "string" ? fromMs : nowMs) + Math.round(hours * 3_600_000);
  } else if (typeof toRaw === "string") {
    const parsed = instant("to", toRaw);
    if (isProblem(parsed)) return fail(parsed);
    toMs = parsed;
  } else {
    toMs = typeof fromRaw === "string" ? fromMs + options.defaultPastMs + options.defaultFutureMs : nowMs + options.defaultFutureMs;
  }

  if (!(fromMs < toMs)) return fail({ param: "window", detail: "from must be before to" });
  if (toMs - fromMs > options.maxWindowMs) {
    return fail({ param: "window", detail: `window longer than ${options.maxWindowMs / 3_600_000} hours` });
  }
  // Bounded in time too, so the set of windows (and tiles) a client can make us render is finite.
  if (fromMs < nowMs - options.maxPastMs) {
    return fail({ param: "from", detail: `from must be at most ${options.maxPastMs / 3_600_000} hours before now` });
  }
  if (toMs > nowMs + options.maxFutureMs) {
    return fail({ param: "to", detail: `the window must end at most ${options.maxFutureMs / 3_600_000} hours after now` });
  }
  const bucket = Math.max(1, options.bucketMs);
  return {
    ok: true,
    window: { fromMs: Math.floor(fromMs / bucket) * bucket, toMs: Math.ceil(toMs / bucket) * bucket },
  };
}
