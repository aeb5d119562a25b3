/**
 * Request and response shapes as proto-loader decodes them with {@link PLAYOUT_LOADER_OPTIONS}
 * (snake_case, int64 as decimal strings, enums as names). Responses may give int64 as a
 * string or number.
 */

/** `ResultCode` enum names. */
export type ResultCodeName =
  | "RESULT_CODE_UNSPECIFIED"
  | "RESULT_CODE_OK"
  | "RESULT_CODE_NOT_READY"
  | "RESULT_CODE_REJECTED_BUSY"
  | "RESULT_CODE_PROTOCOL_VIOLATION"
  | "RESULT_CODE_FAILED";

/** `StreamTransport` enum names. */
export type StreamTransportName = "STREAM_TRANSPORT_UNSPECIFIED" | "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET" | "STREAM_TRANSPORT_TCP_LOOPBACK";

/** `StartChannelRequest` as decoded/encoded here. */
export interface StartChannelRequest {
  channel_id: number;
  plan_handle: string;
  port: number;
  program_format_json: string;
}
/** `UpdatePlanRequest` as decoded/encoded here. */
export interface UpdatePlanRequest {
  channel_id: number;
  plan_handle: string;
}
/** `StopChannelRequest` as decoded/encoded here. */
export interface StopChannelRequest {
  channel_id: number;
}
/** `LoadPreviewRequest` as decoded/encoded here. */
export interface LoadPreviewRequest {
  channel_id: number;
  asset_path: string;
  start_frame: string;
  frame_count: string;
  fps_numerator: number;
  fps_denominator: number;
}
/** `SwitchToLiveRequest` as decoded/encoded here. */
export interface SwitchToLiveRequest {
  channel_id: number;
  target_boundary_time_ms: string;
  issued_at_time_ms: string;
}
/** `AttachStreamRequest` as decoded/encoded here. */
export interface AttachStreamRequest {
  channel_id: number;
  transport: StreamTransportName | number;
  endpoint: string;
  replace_existing: boolean;
}
/** `DetachStreamRequest` as decoded/encoded here. */
export interface DetachStreamRequest {
  channel_id: number;
  force: boolean;
}

/** Start/Update/Stop response body. */
export interface SimpleResponse {
  success: boolean;
  message: string;
}
/** `ApiVersion` as decoded/encoded here. */
export interface ApiVersionResponse {
  version: string;
}
/** `LoadPreviewResponse` as decoded/encoded here. */
export interface LoadPreviewResponse {
  success: boolean;
  message: string;
  shadow_decode_started: boolean;
  result_code: ResultCodeName;
}
/** `SwitchToLiveResponse` as decoded/encoded here. */
export interface SwitchToLiveResponse {
  success: boolean;
  message: string;
  pts_contiguous: boolean;
  live_start_pts: string;
  result_code: ResultCodeName;
  switch_completion_time_ms: string;
  violation_reason: string;
}
/** `AttachStreamResponse` as decoded/encoded here. */
export interface AttachStreamResponse {
  success: boolean;
  message: string;
  negotiated_transport: StreamTransportName;
  negotiated_endpoint: string;
}
