/**
 * @retrovue/air-client: a typed gRPC client for the AIR playout engine's
 * `PlayoutControl` service.
 *
 * ```ts
 * const air = createAirClient("127.0.0.1:50051");
 * const ready = await air.waitForReady();
 * const r = await air.loadPreview({ channelId: 1, assetPath: "a.ts", startFrame: 0, frameCount: 900, fps: { numerator: 30, denominator: 1 } });
 * if (!r.ok && r.kind === "rejected") console.log(r.code, r.message);
 * await air.close();
 * ```
 */
export { createAirClient } from "./create-air-client.js";
export { READY_RETRY_CODES } from "./grpc-air-client.js";
export type { AirClient, WaitForReadyOptions } from "./air-client.js";
export {
  AirClientOptionsError,
  DEFAULT_AIR_CLIENT_OPTIONS,
  MAX_TIMER_MS,
  resolveAirClientOptions,
  switchToLiveDeadlineMs,
} from "./air-client-options.js";
export type { AirClientOptions, AirClientOptionsInit, AirMethodTimeouts } from "./air-client-options.js";
export { AirCallError, airErrorCodeFromGrpcStatus, grpcStatusOf, isAirCallError } from "./air-call-error.js";
export type { AirErrorCode } from "./air-call-error.js";
export { outcomeOfBody, resultCodeName } from "./air-result.js";
export type {
  AirCallResult,
  AirFailed,
  AirOk,
  AirRejectCode,
  AirRejected,
  AirResult,
  AirResultCodeName,
  AnswerBody,
} from "./air-result.js";
export type {
  AirApiVersion,
  AirAttachStreamAnswer,
  AirAttachStreamRequest,
  AirCallOptions,
  AirDetachStreamAnswer,
  AirDetachStreamRequest,
  AirLoadPreviewAnswer,
  AirLoadPreviewRequest,
  AirProgramFormat,
  AirRational,
  AirStartChannelRequest,
  AirStatusAnswer,
  AirStopChannelRequest,
  AirStreamTransport,
  AirSwitchToLiveAnswer,
  AirSwitchToLiveRequest,
  AirUpdatePlanRequest,
  AirVersion,
} from "./air-messages.js";
export { AIR_METHODS } from "./air-method.js";
export type { AirMethod } from "./air-method.js";
export { AIR_API_MAJOR, checkAirApiVersion, parseAirApiVersion } from "./api-version.js";
export { programFormatJson } from "./air-wire.js";

/**
 * The generated wire schemas, enums and service descriptor (protoc-gen-es v2), for code
 * that must speak the raw protocol (e.g. a test server). Nothing outside air-client
 * imports `src/gen` directly.
 */
export * as airProto from "./gen/retrovue/playout/playout_pb.js";
