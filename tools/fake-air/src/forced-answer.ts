import { status } from "@grpc/grpc-js";
import type { EngineAnswer } from "./fake-engine.js";
import type { AirMethod, Fault } from "./fault.js";
import type { ResultCodeName } from "./wire-types.js";

const MESSAGE = "fault injected";

/**
 * The answer a fault forces, in the method's own error style, or undefined when the fault
 * forces none. `grpcStatus` wins; otherwise `resultCode`/`success` build the body (body-style
 * methods) or a success body / INTERNAL status (status-style methods).
 */
export function forcedAnswer(method: AirMethod, fault: Fault | undefined, nowMs: number): EngineAnswer | undefined {
  if (fault === undefined) return undefined;
  if (fault.grpcStatus !== undefined) return { kind: "status", code: fault.grpcStatus.code, message: fault.grpcStatus.message };
  if (fault.resultCode === undefined && fault.success === undefined) return undefined;
  const success = fault.success ?? false;
  const code: ResultCodeName = fault.resultCode !== undefined ? `RESULT_CODE_${fault.resultCode}` : success ? "RESULT_CODE_OK" : "RESULT_CODE_FAILED";
  const message = fault.resultCode !== undefined ? `${MESSAGE} (${fault.resultCode})` : MESSAGE;
  const body = (response: Record<string, unknown>): EngineAnswer => ({ kind: "response", response });
  switch (method) {
    case "LoadPreview":
      return body({ success, message, shadow_decode_started: success, result_code: code });
    case "SwitchToLive":
      return body({
        success,
        message,
        pts_contiguous: success,
        live_start_pts: "0",
        result_code: code,
        switch_completion_time_ms: success ? String(nowMs) : "0",
        violation_reason: code === "RESULT_CODE_PROTOCOL_VIOLATION" ? MESSAGE : "",
      });
    case "AttachStream":
      return body({
        success,
        message,
        negotiated_transport: success ? "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET" : "STREAM_TRANSPORT_UNSPECIFIED",
        negotiated_endpoint: "",
      });
    case "DetachStream":
      return body({ success, message });
    case "GetVersion":
      // GetVersion has no state to skip: a forced success is the normal answer.
      return success ? undefined : { kind: "status", code: status.INTERNAL, message };
    case "StartChannel":
    case "StopChannel":
    case "UpdatePlan":
      return success ? body({ success: true, message }) : { kind: "status", code: status.INTERNAL, message };
  }
}
