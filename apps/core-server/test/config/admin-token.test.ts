import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN_FILE, resolveAdminToken } from "../../src/index.js";
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
    writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), "stored-token-0123456789\n");
    expect(resolveAdminToken(dataDir, "configured-token-0123").token).toBe("configured-token-0123");
    expect(readFileSync(join(dataDir, ADMIN_TOKEN_FILE), "utf8")).toBe("stored-token-0123456789\n");
  });
});
