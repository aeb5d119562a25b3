import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN_FILE, AdminTokenFileError, resolveAdminToken } from "../../src/index.js";
import { cleanupTempDirs, makeTempDir } from "../support/test-server.js";

afterEach(cleanupTempDirs);

describe("resolveAdminToken", () => {
  it("generates a token at first start, stores it owner-only, and reuses it afterwards", () => {
    const dataDir = join(makeTempDir(), "data");
    const first = resolveAdminToken(dataDir, undefined);
    expect(first.source).toBe("generated");
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.filePath).toBe(join(dataDir, ADMIN_TOKEN_FILE));
    expect(readFileSync(first.filePath, "utf8").trim()).toBe(first.token);
    expect(statSync(first.filePath).mode & 0o777).toBe(0o600);

    const second = resolveAdminToken(dataDir, undefined);
    expect(second).toEqual({ token: first.token, source: "file", filePath: first.filePath });
  });

  it("prefers a configured token and leaves the data dir alone", () => {
    const dataDir = makeTempDir();
    writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), "stored-token-0123456789\n", { mode: 0o600 });
    expect(resolveAdminToken(dataDir, "configured-token-0123").token).toBe("configured-token-0123");
    expect(readFileSync(join(dataDir, ADMIN_TOKEN_FILE), "utf8")).toBe("stored-token-0123456789\n");
  });
});

describe("resolveAdminToken refuses a stored token it should not trust, and never rewrites it", () => {
  it("a token file readable by others is refused with a clear message; the file is left as it was", () => {
    const dataDir = makeTempDir();
    const file = join(dataDir, ADMIN_TOKEN_FILE);
    writeFileSync(file, "stored-token-0123456789\n", { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => resolveAdminToken(dataDir, undefined)).toThrow(AdminTokenFileError);
    expect(() => resolveAdminToken(dataDir, undefined)).toThrow(`the admin token file ${file} is readable by others (mode 0644)`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readFileSync(file, "utf8")).toBe("stored-token-0123456789\n");
  });

  it("a token file with fewer than 16 characters is refused, not rewritten", () => {
    const dataDir = makeTempDir();
    const file = join(dataDir, ADMIN_TOKEN_FILE);
    writeFileSync(file, "short\n", { mode: 0o600 });
    expect(() => resolveAdminToken(dataDir, undefined)).toThrow(/holds 5 characters, fewer than 16/);
    expect(readFileSync(file, "utf8")).toBe("short\n");
  });
});
