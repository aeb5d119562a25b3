import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEVICE_ID_FILE,
  DeviceIdStoreError,
  generateHdHomeRunDeviceId,
  isValidHdHomeRunDeviceId,
  loadOrCreateDeviceId,
} from "../../src/guide/index.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "retrovue-hdhr-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("isValidHdHomeRunDeviceId()", () => {
  it("accepts ids whose check nibble matches libhdhomerun's checksum", () => {
    // 1,2,3,4,5,6,7 → T[1]=5 ^ 2 ^ T[3]=6 ^ 4 ^ T[5]=C ^ 6 ^ T[7]=B = 4
    expect(isValidHdHomeRunDeviceId("12345674")).toBe(true);
    // 1,0,0,0,0,0,0 → T[1]=5 ^ T[0]=A ^ T[0]=A ^ T[0]=A = F
    expect(isValidHdHomeRunDeviceId("1000000F")).toBe(true);
    expect(isValidHdHomeRunDeviceId("1000000f")).toBe(true);
  });

  it("rejects a wrong check nibble, bad shapes, and the reserved 00000000/FFFFFFFF", () => {
    expect(isValidHdHomeRunDeviceId("12345675")).toBe(false);
    expect(isValidHdHomeRunDeviceId("1234567")).toBe(false);
    expect(isValidHdHomeRunDeviceId("123456744")).toBe(false);
    expect(isValidHdHomeRunDeviceId("1234567G")).toBe(false);
    expect(isValidHdHomeRunDeviceId("00000000")).toBe(false);
    expect(isValidHdHomeRunDeviceId("FFFFFFFF")).toBe(false);
  });
});

describe("generateHdHomeRunDeviceId()", () => {
  it("keeps 28 random bits and appends the check nibble", () => {
    expect(generateHdHomeRunDeviceId(() => Uint8Array.from([0x12, 0x34, 0x56, 0x7f]))).toBe("12345674");
  });

  it("always produces valid upper-case ids", () => {
    for (let i = 0; i < 200; i += 1) {
      const id = generateHdHomeRunDeviceId();
      expect(id).toMatch(/^[0-9A-F]{8}$/);
      expect(isValidHdHomeRunDeviceId(id)).toBe(true);
    }
  });
});

describe("loadOrCreateDeviceId()", () => {
  it("creates the data dir and the id file on first use", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const id = loadOrCreateDeviceId(dataDir);
    expect(isValidHdHomeRunDeviceId(id)).toBe(true);
    expect(readFileSync(join(dataDir, DEVICE_ID_FILE), "utf8")).toBe(`${id}\n`);
  });

  it("returns the same id after a restart (a new load on the same dir)", () => {
    const dataDir = tempDir();
    const first = loadOrCreateDeviceId(dataDir);
    const second = loadOrCreateDeviceId(dataDir, () => Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    expect(second).toBe(first);
  });

  it("gives different data dirs their own ids", () => {
    const a = loadOrCreateDeviceId(tempDir(), () => Uint8Array.from([0x12, 0x34, 0x56, 0x70]));
    const b = loadOrCreateDeviceId(tempDir(), () => Uint8Array.from([0x10, 0x00, 0x00, 0x00]));
    expect([a, b]).toEqual(["12345674", "1000000F"]);
  });

  it("accepts a hand-written valid id and normalises its case", () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, DEVICE_ID_FILE), "  1000000f\n");
    expect(loadOrCreateDeviceId(dataDir)).toBe("1000000F");
  });

  it("refuses a corrupt id instead of silently becoming a new tuner", () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, DEVICE_ID_FILE), "not-an-id\n");
    expect(() => loadOrCreateDeviceId(dataDir)).toThrow(DeviceIdStoreError);
    expect(() => loadOrCreateDeviceId(dataDir)).toThrow(
      expect.objectContaining({ code: "invalid_stored_id", path: join(dataDir, DEVICE_ID_FILE) }),
    );
    expect(readFileSync(join(dataDir, DEVICE_ID_FILE), "utf8")).toBe("not-an-id\n");
  });

  it("reports an unusable data dir as an io_error", () => {
    const parent = tempDir();
    const blocker = join(parent, "file");
    writeFileSync(blocker, "x");
    expect(() => loadOrCreateDeviceId(join(blocker, "data"))).toThrow(expect.objectContaining({ code: "io_error" }));
    mkdirSync(join(parent, "ok"));
    expect(isValidHdHomeRunDeviceId(loadOrCreateDeviceId(join(parent, "ok")))).toBe(true);
  });
});
