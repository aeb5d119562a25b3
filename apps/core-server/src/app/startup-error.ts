/** A component failed to start; the server did not start and closed what had started. */
export class StartupError extends Error {
  override readonly name = "StartupError";
  constructor(
    /** Name of the component that failed. */
    readonly component: string,
    options: { cause: unknown },
  ) {
    super(`${component} failed to start: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}
