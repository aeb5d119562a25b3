import {
  ChannelStartError,
  NoTunerAvailableError,
  ShuttingDownError,
  TuneInAbortedError,
  UnknownChannelError,
} from "@retrovue/core-runtime";
import { InvalidSessionIdError, SessionGovernanceError } from "@retrovue/session-governance";
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
 * their errors become problems here (LIFECYCLE.md "ProgramDirector duties": a failed
 * start is a clear 503; GOVERNANCE.md "HTTP mapping" for sessions — the gate's decisions
 * are values and are mapped in `routes/session-gate.ts`). Rows are tried in order;
 * anything unmatched is a 500 whose body says nothing about the cause (the log has it).
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
  {
    name: "UnknownChannelError",
    matches: (error) => error instanceof UnknownChannelError,
    toProblem: (error) => new HttpProblem("not-found", { detail: (error as Error).message, extensions: { reason: "unknown_channel" }, cause: error }),
  },
  {
    name: "NoTunerAvailableError",
    matches: (error) => error instanceof NoTunerAvailableError,
    toProblem: (error) => {
      const e = error as NoTunerAvailableError;
      return new HttpProblem("no-tuner-available", {
        detail: `Every tuner is in use (${e.tunerBudget} channels are playing); try again when one stops`,
        extensions: { channel: e.channelNumber, tunerBudget: e.tunerBudget },
        headers: { "Retry-After": "10" },
        cause: error,
      });
    },
  },
  {
    name: "ChannelStartError",
    matches: (error) => error instanceof ChannelStartError,
    toProblem: (error) => {
      const e = error as ChannelStartError;
      return new HttpProblem("channel-start-failed", {
        detail: `Channel ${e.channelNumber} could not be started (${e.stage} failed)`,
        extensions: { channel: e.channelNumber, stage: e.stage, ...(e.failure ? { engineFailure: e.failure.kind === "rejected" ? e.failure.code : e.failure.error } : {}) },
        headers: { "Retry-After": "5" },
        cause: error,
      });
    },
  },
  {
    name: "ShuttingDownError",
    matches: (error) => error instanceof ShuttingDownError,
    toProblem: (error) => new HttpProblem("shutting-down", { headers: { "Retry-After": "5" }, cause: error }),
  },
  {
    // The viewer left (the answer goes nowhere) or an operator stopped the channel meanwhile.
    name: "TuneInAbortedError",
    matches: (error) => error instanceof TuneInAbortedError,
    toProblem: (error) =>
      new HttpProblem("service-unavailable", {
        detail: `Tune-in aborted: ${(error as TuneInAbortedError).reason}`,
        headers: { "Retry-After": "1" },
        cause: error,
      }),
  },
  {
    // An id that cannot exist names no session.
    name: "InvalidSessionIdError",
    matches: (error) => error instanceof InvalidSessionIdError,
    toProblem: (error) => new HttpProblem("not-found", { detail: "No such session", extensions: { reason: "unknown_session" }, cause: error }),
  },
  {
    name: "SessionGovernanceError",
    matches: (error) => error instanceof SessionGovernanceError,
    toProblem: (error) => {
      const e = error as SessionGovernanceError;
      if (e.code.startsWith("store_")) {
        return new HttpProblem("service-unavailable", { detail: "The session store is unavailable", headers: { "Retry-After": "1" }, cause: error });
      }
      // Input the package refused (owner id, limits, byMs, paging): the client's fault.
      return new HttpProblem("bad-request", { detail: e.message.replace(/^\[[a-z_]+\] /, ""), extensions: { reason: e.code }, cause: error });
    },
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
