import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConfigError,
  StartupError,
  createCoreServer,
  json,
  route,
  type CoreServer,
  type ServerComponent,
  type ServerConfig,
} from "../../src/index.js";
import { captureLogger, cleanupTempDirs, closeTracked, makeTempDir, testConfig, track } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

function server(config: ServerConfig = testConfig(), components?: ServerComponent[]): CoreServer {
  const { logger } = captureLogger();
  return track(createCoreServer(config, components === undefined ? { logger } : { logger, components: () => components }));
}

describe("createCoreServer", () => {
  it("serves /healthz and /readyz (with the embedded engine) once listening, and creates the data dir and admin token", async () => {
    const config = testConfig();
    const s = server(config);
    expect(s.address).toBeUndefined();
    const { url } = await s.listen();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", version: "0.1.0" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: {
        http: { ok: true },
        engine: { ok: true, detail: expect.stringMatching(/^embedded \(multi\): engine 1\.0\.0 at 127\.0\.0\.1:\d+$/) },
        sessions: { ok: true, detail: config.databasePath },
        director: { ok: true, detail: "0 channel(s) playing, 0 viewer(s)" },
      },
    });
    expect(existsSync(config.logDir)).toBe(true);
    expect(s.adminToken?.source).toBe("generated");
    expect(readFileSync(join(config.dataDir, "admin-token"), "utf8").trim()).toBe(s.adminToken?.token);
  });

  it("answers /readyz 503 problem+json while a component is not ready", async () => {
    let engineUp = false;
    const s = server(testConfig(), [
      { name: "engine", readiness: { name: "engine", check: () => (engineUp ? { ok: true } : { ok: false, detail: "engine not answering" }) }, close: async () => undefined },
    ]);
    const { url } = await s.listen();
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toBe("application/problem+json");
    expect(await down.json()).toMatchObject({
      status: 503,
      title: "Not ready",
      detail: "Not ready: engine",
      checks: { http: { ok: true }, engine: { ok: false, detail: "engine not answering" } },
    });
    engineUp = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it("starts components in order, mounts their routes, and closes them in reverse order", async () => {
    const events: string[] = [];
    const component = (name: string): ServerComponent => ({
      name,
      routes: [route("GET", `/${name}`, () => json({ name }))],
      start: async () => void events.push(`start ${name}`),
      beginShutdown: () => void events.push(`begin ${name}`),
      close: async () => void events.push(`close ${name}`),
    });
    const s = server(testConfig(), [component("a"), component("b")]);
    const { url } = await s.listen();
    expect(await (await fetch(`${url}/b`)).json()).toEqual({ name: "b" });
    await s.close();
    await s.close();
    expect(events).toEqual(["start a", "start b", "begin a", "begin b", "close b", "close a"]);
  });

  it("closes what started when a component fails to start, and reports which one", async () => {
    const events: string[] = [];
    const s = server(testConfig(), [
      { name: "a", start: async () => void events.push("start a"), close: async () => void events.push("close a") },
      {
        name: "engine",
        start: async () => {
          throw new Error("no engine");
        },
        close: async () => void events.push("close engine"),
      },
      { name: "c", start: async () => void events.push("start c"), close: async () => void events.push("close c") },
    ]);
    const error = await s.listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).component).toBe("engine");
    expect((error as StartupError).message).toBe("engine failed to start: no engine");
    expect(events).toEqual(["start a", "close engine", "close a"]);
    expect(s.address).toBeUndefined();
  });

  it("reports an unusable data dir as a ConfigError", async () => {
    const parent = makeTempDir();
    const config = testConfig();
    const blocked: ServerConfig = { ...config, dataDir: join(parent, "file", "data"), logDir: join(parent, "file", "data", "logs") };
    writeFileSync(join(parent, "file"), "x");
    const error = await server(blocked).listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]?.option).toBe("--data-dir / RETROVUE_DATA_DIR");
  });

  it("bounds a component that hangs on close by the shutdown timeout", async () => {
    const config = { ...testConfig(), shutdownTimeoutMs: 100 };
    const s = server(config, [{ name: "stuck", close: () => new Promise<void>(() => undefined) }]);
    await s.listen();
    await s.close();
    expect(s.openConnections).toBe(0);
  });

  it("counts requests by route pattern and status in /metrics", async () => {
    const s = server();
    const { url } = await s.listen();
    await (await fetch(`${url}/healthz`)).text();
    await (await fetch(`${url}/nope`)).text();
    const body = await (await fetch(`${url}/metrics`)).text();
    expect(body).toContain('retrovue_http_requests_total{route="GET /healthz",method="GET",status="200"} 1');
    expect(body).toContain('retrovue_http_requests_total{route="unmatched",method="GET",status="404"} 1');
  });
});
