/** Exit codes of `retrovue` (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem: a lineup with problems, an HTTP error answer, nothing to scan. */
  failed: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** The server cannot be reached, or a tool it needs (ffprobe) is missing. */
  unavailable: 3,
  /** The admin token is missing or refused (401). */
  unauthorized: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line (`retrovue: <message>`) and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
