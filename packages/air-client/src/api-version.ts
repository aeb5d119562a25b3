import { AirCallError } from "./air-call-error.js";
import type { AirApiVersion } from "./air-messages.js";

/** The engine API major version this client speaks (the contract's "1.0.0"). */
export const AIR_API_MAJOR = 1;

// "1", "1.2", "1.2.3", optionally "v"-prefixed and with a pre-release/build suffix.
const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** Parses an engine version string ("1.0.0"); `undefined` if it is not a version. */
export function parseAirApiVersion(version: string): AirApiVersion | undefined {
  const m = VERSION_RE.exec(version.trim());
  if (!m) return undefined;
  return { version, major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

/**
 * Checks that `version` has major version {@link AIR_API_MAJOR}. Returns the parsed
 * version, or a `failed_precondition` AirCallError (method GetVersion) if the string is
 * not a version or its major differs.
 */
export function checkAirApiVersion(version: string): AirApiVersion | AirCallError {
  const parsed = parseAirApiVersion(version);
  if (!parsed) {
    return new AirCallError("failed_precondition", "GetVersion", `engine API version ${JSON.stringify(version)} is not a version string`);
  }
  if (parsed.major !== AIR_API_MAJOR) {
    return new AirCallError(
      "failed_precondition",
      "GetVersion",
      `engine API version ${version} is not supported: this client needs major version ${AIR_API_MAJOR}`,
    );
  }
  return parsed;
}
