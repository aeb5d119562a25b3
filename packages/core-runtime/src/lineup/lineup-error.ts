/** One problem in a lineup: where (a path-like location such as "channels[2].playlist[0].fps") and what. */
export interface LineupIssue {
  readonly location: string;
  readonly message: string;
}

/**
 * A lineup that cannot be used: unreadable, not JSON, or invalid. Carries every problem
 * found (`issues`), the first one's `location`, and the file it came from, if any.
 */
export class LineupError extends Error {
  override readonly name = "LineupError";
  /** Location of the first issue ("$" for the whole file). */
  readonly location: string;

  constructor(
    readonly issues: readonly LineupIssue[],
    readonly source?: string,
    options?: { cause?: unknown },
  ) {
    const head = source ? `Invalid lineup ${source}` : "Invalid lineup";
    const list = issues.map((i) => `${i.location}: ${i.message}`).join("; ");
    super(`${head}: ${list}`, options);
    this.location = issues[0]?.location ?? "$";
  }
}
