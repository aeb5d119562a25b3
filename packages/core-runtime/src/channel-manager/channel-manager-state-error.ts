/** Thrown when a ChannelManager method is called in a phase that does not allow it (API misuse). */
export class ChannelManagerStateError extends Error {
  override readonly name = "ChannelManagerStateError";
  constructor(
    readonly method: string,
    readonly phase: string,
  ) {
    super(`ChannelManager.${method}() is not allowed in phase ${phase}`);
  }
}
