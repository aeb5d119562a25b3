import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** File (inside the data dir) that keeps the emulated tuner's DeviceID across restarts. */
export const DEVICE_ID_FILE = "hdhomerun-device-id";

/** Why the device id could not be loaded or stored. */
export type DeviceIdStoreErrorCode = "invalid_stored_id" | "io_error";

/** The stored device id is unreadable/corrupt, or the data dir cannot be written. */
export class DeviceIdStoreError extends Error {
  override readonly name = "DeviceIdStoreError";
  constructor(
    readonly code: DeviceIdStoreErrorCode,
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code} (${path}): ${detail}`, options);
  }
}

// libhdhomerun's device-id check: nibbles alternate between a table lookup and their plain
// value, and all eight XOR to zero. Media servers (Plex) reject ids that fail it.
const CHECK_TABLE = [0xa, 0x5, 0xf, 0x6, 0x7, 0xc, 0x1, 0xb, 0x9, 0x2, 0x8, 0xd, 0x4, 0x3, 0xe, 0x0] as const;

function checkXor(id: number, nibbles: 7 | 8): number {
  let x = 0;
  for (let i = 0; i < nibbles; i += 1) {
    const nibble = (id >>> (28 - 4 * i)) & 0xf;
    x ^= i % 2 === 0 ? CHECK_TABLE[nibble]! : nibble;
  }
  return x;
}

/** True when `id` is 8 hex digits passing the HDHomeRun checksum (and is not 00000000/FFFFFFFF). */
export function isValidHdHomeRunDeviceId(id: string): boolean {
  if (!/^[0-9A-Fa-f]{8}$/.test(id)) return false;
  const value = Number.parseInt(id, 16);
  return value !== 0 && value !== 0xffffffff && checkXor(value, 8) === 0;
}

/**
 * A fresh device id: 28 random bits plus the check nibble, as 8 upper-case hex digits.
 * `random` (4 bytes) is injectable for tests; default crypto.randomBytes.
 */
export function generateHdHomeRunDeviceId(random: (size: number) => Uint8Array = randomBytes): string {
  for (;;) {
    const bytes = random(4);
    const high = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) & 0xfffffff0;
    const id = (high | checkXor(high >>> 0, 7)) >>> 0;
    const text = id.toString(16).toUpperCase().padStart(8, "0");
    if (isValidHdHomeRunDeviceId(text)) return text;
  }
}

/**
 * Loads the device id from `<dataDir>/hdhomerun-device-id`, or creates the dir and the file
 * (atomically: temp file + rename) with a new id on first use, so the id is stable across
 * restarts and media servers keep recognising the tuner. Throws {@link DeviceIdStoreError}
 * when the file holds an invalid id (it is not silently replaced: that would look like a new
 * tuner to every media server) or on an I/O failure.
 */
export function loadOrCreateDeviceId(dataDir: string, random?: (size: number) => Uint8Array): string {
  const path = join(dataDir, DEVICE_ID_FILE);
  let stored: string | undefined;
  try {
    stored = readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new DeviceIdStoreError("io_error", path, "cannot read the device id", { cause: error });
    }
  }
  if (stored !== undefined) {
    if (!isValidHdHomeRunDeviceId(stored)) {
      throw new DeviceIdStoreError("invalid_stored_id", path, `not a valid HDHomeRun device id: ${JSON.stringify(stored.slice(0, 20))}`);
    }
    return stored.toUpperCase();
  }
  const id = generateHdHomeRunDeviceId(random);
  try {
    mkdirSync(dataDir, { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${id}\n`, { encoding: "utf8", mode: 0o644 });
    renameSync(temp, path);
  } catch (error) {
    throw new DeviceIdStoreError("io_error", path, "cannot store the device id", { cause: error });
  }
  return id;
}
