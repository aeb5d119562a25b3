/** A programme as /guide.json lists it. */
export interface Programme {
  readonly title: string;
  readonly description?: string;
  readonly category?: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Where a programme block sits in the grid: percentages of the window's width. */
export interface Block {
  readonly programme: Programme;
  readonly leftPct: number;
  readonly widthPct: number;
  /** It is on air at `nowMs`. */
  readonly onAir: boolean;
  /** Started before the window (drawn with a cut left edge). */
  readonly clippedStart: boolean;
}

/** Lays a channel's programmes over [fromMs, toMs): clipped to the window, in order. */
export function layoutRow(programmes: readonly Programme[], fromMs: number, toMs: number, nowMs: number): Block[] {
  const span = toMs - fromMs;
  if (span <= 0) return [];
  return programmes
    .filter((p) => p.endMs > fromMs && p.startMs < toMs)
    .map((p) => {
      const start = Math.max(p.startMs, fromMs);
      const end = Math.min(p.endMs, toMs);
      return {
        programme: p,
        leftPct: ((start - fromMs) / span) * 100,
        widthPct: ((end - start) / span) * 100,
        onAir: p.startMs <= nowMs && nowMs < p.endMs,
        clippedStart: p.startMs < fromMs,
      };
    });
}

/** Time ticks for the grid header: round instants every `stepMs` inside the window. */
export function timeTicks(fromMs: number, toMs: number, stepMs: number): Array<{ readonly atMs: number; readonly leftPct: number }> {
  if (stepMs <= 0 || toMs <= fromMs) return [];
  const ticks = [];
  for (let t = Math.ceil(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) ticks.push({ atMs: t, leftPct: ((t - fromMs) / (toMs - fromMs)) * 100 });
  return ticks;
}

/** A tick step that gives 4–12 ticks for a window: 1, 2, 5, 10, 15, 30, 60 or 120 min. */
export function tickStepMs(windowMs: number): number {
  const minutes = [1, 2, 5, 10, 15, 30, 60, 120];
  for (const m of minutes) if (windowMs / (m * 60_000) <= 12) return m * 60_000;
  return 120 * 60_000;
}

/** The now and next programme of a row at `nowMs`. */
export function nowAndNext(programmes: readonly Programme[], nowMs: number): { readonly now?: Programme; readonly next?: Programme } {
  const index = programmes.findIndex((p) => p.startMs <= nowMs && nowMs < p.endMs);
  if (index < 0) return {};
  const now = programmes[index];
  const next = programmes[index + 1];
  return { ...(now ? { now } : {}), ...(next ? { next } : {}) };
}

/** The channel after (`+1`) or before (`-1`) `current` in `numbers`, wrapping around. */
export function stepChannel(numbers: readonly number[], current: number, direction: 1 | -1): number | undefined {
  if (numbers.length === 0) return undefined;
  const sorted = [...numbers].sort((a, b) => a - b);
  const i = sorted.indexOf(current);
  if (i < 0) return sorted[0];
  return sorted[(i + direction + sorted.length) % sorted.length];
}
