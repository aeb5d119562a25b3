import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createStaticFiles } from "../../src/index.js";
import { startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked, makeTempDir } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

describe("GET /guide.json", () => {
  it("lists every channel with its state, viewers and the programmes overlapping [now − past, now + minutes)", async () => {
    const s = await startFullServer();
    const res = await fetch(`${s.url}/guide.json?minutes=10&past=0`);
    expect(res.status).toBe(200);
    const guide = (await res.json()) as { nowMs: number; fromMs: number; toMs: number; channels: Array<{ number: number; state: string; programmes: Array<{ startMs: number; endMs: number }> }> };
    expect(guide.toMs - guide.fromMs).toBe(600_000);
    expect(guide.channels.map((c) => c.number)).toEqual([1, 2, 3, 4]);
    for (const c of guide.channels) {
      expect(c.state).toBe("idle");
      expect(c.programmes[0]!.startMs).toBeLessThanOrEqual(guide.nowMs);
      expect(c.programmes.at(-1)!.endMs).toBeGreaterThanOrEqual(guide.toMs);
      c.programmes.slice(1).forEach((p, i) => expect(p.startMs).toBe(c.programmes[i]!.endMs));
    }
  });

  it("answers 400 for a span out of range", async () => {
    const s = await startFullServer();
    for (const q of ["minutes=1", "minutes=721", "past=121", "minutes=abc"]) {
      const res = await fetch(`${s.url}/guide.json?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});

describe("createStaticFiles()", () => {
  it("serves only names listed in assets/ and reports an unbuilt app", () => {
    const root = makeTempDir();
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html>");
    writeFileSync(join(root, "assets", "app-1a2b.js"), "export {}");
    const files = createStaticFiles(root);
    expect(files.index()?.contentType).toBe("text/html; charset=utf-8");
    expect(files.asset("app-1a2b.js")?.contentType).toBe("text/javascript; charset=utf-8");
    expect(files.asset("../index.html")).toBeUndefined();
    expect(files.asset("missing.js")).toBeUndefined();
    const none = createStaticFiles(join(root, "nowhere"));
    expect(none.index()).toBeUndefined();
  });
});
