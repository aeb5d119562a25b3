/**
 * The RPC names of the AIR `PlayoutControl` service, as they appear in the gRPC path
 * (`/retrovue.playout.PlayoutControl/<AirMethod>`). Used in errors, options and logs.
 */
export type AirMethod =
  | "StartChannel"
  | "UpdatePlan"
  | "StopChannel"
  | "GetVersion"
  | "LoadPreview"
  | "SwitchToLive"
  | "AttachStream"
  | "DetachStream";

/** Every {@link AirMethod}, in the order the contract lists them. */
export const AIR_METHODS: readonly AirMethod[] = Object.freeze([
  "StartChannel",
  "UpdatePlan",
  "StopChannel",
  "GetVersion",
  "LoadPreview",
  "SwitchToLive",
  "AttachStream",
  "DetachStream",
]);
