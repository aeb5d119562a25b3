import { AirClientOptionsError, resolveAirClientOptions, type AirClientOptionsInit } from "./air-client-options.js";
import type { AirClient } from "./air-client.js";
import { GrpcAirClient } from "./grpc-air-client.js";

/**
 * Creates a client for the engine at `address` ("host:port", e.g. "127.0.0.1:50051").
 * Connects lazily, on the first call (use `waitForReady` to wait for the engine).
 * Throws {@link AirClientOptionsError} for a bad address or bad options, and only then.
 */
export function createAirClient(address: string, options?: AirClientOptionsInit): AirClient {
  return new GrpcAirClient(address, baseUrlOf(address), resolveAirClientOptions(options));
}

function baseUrlOf(address: string): string {
  const expected = 'host:port, e.g. "127.0.0.1:50051"';
  if (typeof address !== "string" || address.includes("/") || address.includes("@")) {
    throw new AirClientOptionsError("address", address, expected);
  }
  let url: URL;
  try {
    url = new URL(`http://${address}`);
  } catch {
    throw new AirClientOptionsError("address", address, expected);
  }
  if (url.port === "" || url.hostname === "") throw new AirClientOptionsError("address", address, expected);
  return `http://${url.host}`;
}
