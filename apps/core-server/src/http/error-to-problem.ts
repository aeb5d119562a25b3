import { HttpProblem } from "./http-problem.js";

/** One row of the error table: recognises an error and says which problem it is. */
export interface ProblemMapping {
  /** Short name for logs and tests. */
  readonly name: string;
  readonly matches: (error: unknown) => boolean;
  readonly toProblem: (error: unknown) => HttpProblem;
}

/**
 * The one table that maps typed errors to HTTP. Domain packages never know about HTTP:
 * their errors and decisions become problems here. Rows are tried in order; anything
 * unmatched is a 500 whose body says nothing about the cause (the log has it).
 *
 * Phase 2 adds rows for session-governance decisions (gone → 410 with sessionId, reason,
 * terminatedAt; concurrency rejected → 429 with Retry-After), unknown channels (404) and
 * channel start failures (503), as GOVERNANCE.md "HTTP mapping" and LIFECYCLE.md say.
 */
export const ERROR_TABLE: readonly ProblemMapping[] = [
  {
    name: "HttpProblem",
    matches: (error) => error instanceof HttpProblem,
    toProblem: (error) => error as HttpProblem,
  },
  {
    // A URL component that does not decode (e.g. "%E0%A4%A") is the client's fault.
    name: "URIError",
    matches: (error) => error instanceof URIError,
    toProblem: (error) => new HttpProblem("bad-request", { detail: "Malformed percent-encoding in the URL", cause: error }),
  },
];

/**
 * Turns anything a handler threw into the problem to send, using `table` (default
 * {@link ERROR_TABLE}). Never throws; unknown errors become `internal` (500) with the
 * original kept as `cause` for the log only.
 */
export function toHttpProblem(error: unknown, table: readonly ProblemMapping[] = ERROR_TABLE): HttpProblem {
  for (const row of table) {
    if (row.matches(error)) return row.toProblem(error);
  }
  return new HttpProblem("internal", { cause: error });
}
