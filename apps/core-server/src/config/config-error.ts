/** One invalid setting: which option (flag and env names) and what is wrong with it. */
export interface ConfigProblem {
  /** How the user sets it, e.g. `--port / RETROVUE_PORT`. */
  readonly option: string;
  readonly message: string;
}

/**
 * Invalid configuration. Lists every problem found, not just the first, so one run
 * tells the user everything to fix; `main` prints `message` and exits with code 2.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      [
        `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.option}: ${p.message}`),
        "Run with --help for every option.",
      ].join("\n"),
    );
    this.problems = problems;
  }
}
