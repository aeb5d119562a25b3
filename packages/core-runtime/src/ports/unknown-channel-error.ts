/** Thrown by a {@link ScheduleSource} asked about a channel it does not know. */
export class UnknownChannelError extends Error {
  override readonly name = "UnknownChannelError";
  constructor(readonly channelNumber: number) {
    super(`Unknown channel ${channelNumber}`);
  }
}
