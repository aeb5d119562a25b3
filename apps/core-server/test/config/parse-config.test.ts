import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configUsage, parseCommandLine, parseConfig, sampleLineupPath } from "../../src/index.js";
import { configErrorOf } from "../support/config-error-of.js";
import { cleanupTempDirs, makeTempDir } from "../support/test-server.js";

afterEach(cleanupTempDirs);


describe("parseConfig", () => {
  it("starts on embedded defaults with no configuration", () => {
    const cwd = makeTempDir();
    const config = parseConfig({ argv: [], env: {}, cwd });
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(8000);
    expect(config.dataDir).toBe(join(cwd, "data"));
    expect(config.databasePath).toBe(join(cwd, "data", "sessions.db"));
    expect(config.logDir).toBe(join(cwd, "data", "logs"));
    expect(config.lineupPath).toBe(sampleLineupPath());
    expect(config.air).toMatchObject({ mode: "embedded", embeddedForm: "multi", address: undefined, binary: undefined });
    expect(config.sessionlessStreaming).toBe(true);
    expect(config.adminToken).toBeUndefined();
    expect(config.limits).toEqual({
      maxSessionsPerOwner: 16,
      maxStreamsPerSession: 2,
      concurrencyPolicy: "terminate",
      sessionIdleTimeoutMs: 120_000,
      sessionMaxLifetimeMs: 14_400_000,
      sessionMaxExtensionMs: 3_600_000,
      sessionLifetimeCapMs: 86_400_000,
      sessionSweepIntervalMs: 60_000,
      maxTuners: 4,
      teardownGraceMs: 10_000,
      minPrefeedLeadMs: 5_000,
      preloadLeadMs: 7_000,
      switchLateToleranceMs: 50,
      switchAnswerTimeoutMs: 5_000,
      restartBackoffMs: [1_000, 2_000, 4_000, 8_000, 16_000],
      sessionStart: "immediate",
      startPosition: "on-air",
      outputWatchdogMs: 4_000,
    });
    expect(config.http.maxBodyBytes).toBe(65_536);
  });

  it("resolves relative paths against INIT_CWD (where `pnpm start` was typed) when no cwd is given", () => {
    const initCwd = makeTempDir();
    const config = parseConfig({ argv: ["--data-dir", "state"], env: { INIT_CWD: initCwd } });
    expect(config.dataDir).toBe(join(initCwd, "state"));
  });

  it("takes a flag over its environment variable, and the variable over the default", () => {
    const cwd = makeTempDir();
    const env = { RETROVUE_PORT: "9000", RETROVUE_MAX_TUNERS: "2", LOG_LEVEL: "warn" };
    const config = parseConfig({ argv: ["--port=9100"], env, cwd });
    expect(config.port).toBe(9100);
    expect(config.limits.maxTuners).toBe(2);
    expect(config.logLevel).toBe("warn");
  });

  it("treats an empty environment variable as unset", () => {
    const config = parseConfig({ argv: [], env: { AIR_ADDRESS: "", RETROVUE_PORT: " " }, cwd: makeTempDir() });
    expect(config.air.mode).toBe("embedded");
    expect(config.port).toBe(8000);
  });

  it("picks connect mode when only AIR_ADDRESS is set, and spawn mode when only AIR_BINARY is set", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: [], env: { AIR_ADDRESS: "127.0.0.1:50051" }, cwd }).air).toMatchObject({
      mode: "connect",
      address: "127.0.0.1:50051",
    });
    const binary = join(cwd, "retrovue_air");
    writeFileSync(binary, "#!/bin/sh\n");
    expect(parseConfig({ argv: [], env: { AIR_BINARY: "retrovue_air" }, cwd }).air).toMatchObject({ mode: "spawn", binary });
  });

  it("accepts the embedded fake in spawn form", () => {
    const config = parseConfig({ argv: ["--embedded-air", "spawn"], env: { AIR_MODE: "embedded" }, cwd: makeTempDir() });
    expect(config.air).toMatchObject({ mode: "embedded", embeddedForm: "spawn" });
  });

  it("reads boolean options from --flag, --no-flag, --flag=value and env words", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: ["--no-sessionless-streaming"], env: {}, cwd }).sessionlessStreaming).toBe(false);
    expect(parseConfig({ argv: ["--sessionless-streaming=off"], env: {}, cwd }).sessionlessStreaming).toBe(false);
    expect(parseConfig({ argv: ["--sessionless-streaming"], env: { RETROVUE_SESSIONLESS_STREAMING: "0" }, cwd }).sessionlessStreaming).toBe(true);
    expect(parseConfig({ argv: [], env: { RETROVUE_SESSIONLESS_STREAMING: "no" }, cwd }).sessionlessStreaming).toBe(false);
  });

  it("lists every problem at once in one ConfigError", () => {
    const error = configErrorOf(() =>
      parseConfig({
        argv: ["--port", "http", "--bogus", "--air-mode", "connect", "--lineup", "missing.json", "extra", "--max-tuners=0"],
        env: { RETROVUE_SESSIONLESS_STREAMING: "maybe" },
        cwd: makeTempDir(),
      }),
    );
    const options = error.problems.map((p) => p.option);
    expect(options).toEqual(
      expect.arrayContaining([
        "--port / RETROVUE_PORT",
        "--bogus",
        "extra",
        "--air-address / AIR_ADDRESS",
        "--lineup / RETROVUE_LINEUP",
        "--max-tuners / RETROVUE_MAX_TUNERS",
        "--sessionless-streaming / RETROVUE_SESSIONLESS_STREAMING",
      ]),
    );
    expect(error.problems).toHaveLength(7);
    expect(error.message).toMatch(/^Invalid configuration \(7 problems\):/);
    expect(error.message).toContain('--port / RETROVUE_PORT: must be an integer from 0 to 65535, got "http"');
    expect(error.message).toContain("--bogus: unknown option");
  });

  it("rejects an engine setting that does not fit the AIR mode", () => {
    const cwd = makeTempDir();
    const error = configErrorOf(() =>
      parseConfig({ argv: ["--air-mode", "embedded"], env: { AIR_ADDRESS: "127.0.0.1:1", AIR_BINARY: "/nope/air" }, cwd }),
    );
    expect(error.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        "is only used when AIR_MODE=connect (AIR_MODE is embedded)",
        "is only used when AIR_MODE=spawn (AIR_MODE is embedded)",
      ]),
    );
    expect(configErrorOf(() => parseConfig({ argv: ["--air-mode", "spawn"], env: {}, cwd })).problems[0]?.message).toBe(
      "is required when AIR_MODE=spawn",
    );
    expect(configErrorOf(() => parseConfig({ argv: ["--air-address", "nohost"], env: {}, cwd })).problems[0]?.message).toMatch(
      /must be host:port/,
    );
    expect(configErrorOf(() => parseConfig({ argv: ["--air-mode", "cloud"], env: {}, cwd })).problems[0]?.message).toBe(
      'must be one of embedded, connect, spawn, got "cloud"',
    );
  });

  it("checks ranges and cross-field rules", () => {
    const cwd = makeTempDir();
    const error = configErrorOf(() =>
      parseConfig({
        argv: ["--min-prefeed-lead-ms", "999", "--session-max-lifetime-ms", "7200000", "--session-lifetime-cap-ms", "3600000"],
        env: { RETROVUE_ADMIN_TOKEN: "short" },
        cwd,
      }),
    );
    expect(error.problems).toEqual([
      { option: "--admin-token / RETROVUE_ADMIN_TOKEN", message: "must be 16 to 256 printable characters without spaces" },
      { option: "--min-prefeed-lead-ms / RETROVUE_MIN_PREFEED_LEAD_MS", message: 'must be an integer from 1000 to 30000, got "999"' },
      { option: "--session-lifetime-cap-ms / RETROVUE_SESSION_LIFETIME_CAP_MS", message: "must be at least the session max lifetime (7200000 ms)" },
    ]);
  });

  it("rejects a data dir that is a file, a repeated flag and a flag without its value", () => {
    const cwd = makeTempDir();
    writeFileSync(join(cwd, "file"), "x");
    const error = configErrorOf(() => parseConfig({ argv: ["--data-dir", "file", "--port", "1", "--port", "2", "--host"], env: {}, cwd }));
    expect(error.problems.map((p) => `${p.option}: ${p.message}`)).toEqual([
      "--port / RETROVUE_PORT: given more than once",
      "--host / RETROVUE_HOST: needs a value",
      `--data-dir / RETROVUE_DATA_DIR: ${join(cwd, "file")} exists and is not a directory`,
    ]);
  });

  it("reads the phase-2 timing and session options: restart backoff list, preload lead (default from the min lead), extension, sweep", () => {
    const cwd = makeTempDir();
    const config = parseConfig({
      argv: ["--restart-backoff-ms", "100, 200,0", "--min-prefeed-lead-ms", "1000", "--session-max-extension-ms", "0", "--session-sweep-interval-ms", "0"],
      env: { RETROVUE_MAX_SESSIONS_PER_OWNER: "3", RETROVUE_TEARDOWN_GRACE_MS: "1000", RETROVUE_ALLOW_SHORT_TEARDOWN_GRACE: "1" },
      cwd,
    });
    expect(config.limits).toMatchObject({
      restartBackoffMs: [100, 200, 0],
      minPrefeedLeadMs: 1000,
      preloadLeadMs: 7000,
      sessionMaxExtensionMs: 0,
      sessionSweepIntervalMs: 0,
      maxSessionsPerOwner: 3,
      teardownGraceMs: 1000,
    });
    expect(parseConfig({ argv: ["--min-prefeed-lead-ms", "9000", "--teardown-grace-ms", "12000"], env: {}, cwd }).limits.preloadLeadMs).toBe(11_000);
    const error = configErrorOf(() =>
      parseConfig({
        argv: ["--restart-backoff-ms", "1,x", "--min-prefeed-lead-ms", "5000", "--preload-lead-ms", "5600", "--session-sweep-interval-ms", "500", "--teardown-grace-ms", "999"],
        env: {},
        cwd,
      }),
    );
    expect(error.problems.map((p) => p.option)).toEqual([
      "--teardown-grace-ms / RETROVUE_TEARDOWN_GRACE_MS",
      "--restart-backoff-ms / RETROVUE_RESTART_BACKOFF_MS",
      "--preload-lead-ms / RETROVUE_PRELOAD_LEAD_MS",
      "--session-sweep-interval-ms / RETROVUE_SESSION_SWEEP_INTERVAL_MS",
    ]);
    expect(configErrorOf(() => parseConfig({ argv: ["--restart-backoff-ms", Array(101).fill("1").join(",")], env: {}, cwd })).problems).toHaveLength(1);
  });

  it("refuses a teardown grace shorter than a channel's start-up (preload lead + 1 s), in one clear problem, unless allowed", () => {
    const cwd = makeTempDir();
    const error = configErrorOf(() => parseConfig({ argv: ["--teardown-grace-ms", "1000"], env: {}, cwd }));
    expect(error.problems).toEqual([
      {
        option: "--teardown-grace-ms / RETROVUE_TEARDOWN_GRACE_MS",
        message: expect.stringMatching(/^must be at least a channel's start-up, the preload lead \+ 1000 ms \(8000 ms\): a stop during start-up waits for it/),
      },
    ]);
    expect(parseConfig({ argv: ["--teardown-grace-ms", "8000"], env: {}, cwd }).limits.teardownGraceMs).toBe(8_000);
    expect(configErrorOf(() => parseConfig({ argv: ["--teardown-grace-ms", "7999"], env: {}, cwd })).problems).toHaveLength(1);
    expect(configErrorOf(() => parseConfig({ argv: ["--teardown-grace-ms", "9000", "--preload-lead-ms", "8500"], env: {}, cwd })).problems).toHaveLength(1);
    expect(parseConfig({ argv: ["--teardown-grace-ms", "1000", "--allow-short-teardown-grace"], env: {}, cwd }).limits.teardownGraceMs).toBe(1_000);
    // The defaults agree with each other.
    expect(parseConfig({ argv: [], env: {}, cwd }).limits).toMatchObject({ teardownGraceMs: 10_000, preloadLeadMs: 7_000 });
  });

  it("reads the admission and retention options; audit retention beyond the session retention and bad proxy addresses are problems", () => {
    const cwd = makeTempDir();
    const DAY = 86_400_000;
    expect(parseConfig({ argv: [], env: {}, cwd }).sessions).toEqual({
      maxSessionsPerClient: 64,
      maxLiveSessions: 20_000,
      createPerMinute: 60,
      trustedProxies: [],
      sessionRetentionMs: 30 * DAY,
      auditRetentionMs: 30 * DAY,
    });
    const config = parseConfig({
      argv: ["--max-sessions-per-client", "5", "--max-live-sessions", "100", "--session-create-rate", "10", "--trusted-proxies", "10.0.0.1, ::1"],
      env: { RETROVUE_SESSION_RETENTION_DAYS: "7", RETROVUE_AUDIT_RETENTION_DAYS: "2" },
      cwd,
    });
    expect(config.sessions).toEqual({ maxSessionsPerClient: 5, maxLiveSessions: 100, createPerMinute: 10, trustedProxies: ["10.0.0.1", "::1"], sessionRetentionMs: 7 * DAY, auditRetentionMs: 2 * DAY });
    const error = configErrorOf(() => parseConfig({ argv: ["--trusted-proxies", "10.0.0.1,proxy.local", "--session-retention-days", "3", "--audit-retention-days", "4"], env: {}, cwd }));
    expect(error.problems.map((p) => p.option)).toEqual(["--trusted-proxies / RETROVUE_TRUSTED_PROXIES", "--audit-retention-days / RETROVUE_AUDIT_RETENTION_DAYS"]);
  });

  it("reads the output watchdog bound: 0 turns it off, 1-499 and past 600000 are rejected", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: ["--output-watchdog-ms", "0"], env: {}, cwd }).limits.outputWatchdogMs).toBe(0);
    expect(parseConfig({ argv: [], env: { RETROVUE_OUTPUT_WATCHDOG_MS: "2500" }, cwd }).limits.outputWatchdogMs).toBe(2_500);
    for (const bad of ["499", "600001", "-1", "x"]) {
      const error = configErrorOf(() => parseConfig({ argv: ["--output-watchdog-ms", bad], env: {}, cwd }));
      expect(error.problems.map((p) => p.option)).toEqual(["--output-watchdog-ms / RETROVUE_OUTPUT_WATCHDOG_MS"]);
    }
  });

  it("reads the switch timing options and bounds the late tolerance (kept for compatibility: it only decides what is counted late)", () => {
    const cwd = makeTempDir();
    const config = parseConfig({ argv: ["--switch-late-tolerance-ms", "250"], env: { RETROVUE_SWITCH_ANSWER_TIMEOUT_MS: "2000" }, cwd });
    expect(config.limits).toMatchObject({ switchLateToleranceMs: 250, switchAnswerTimeoutMs: 2_000 });
    const error = configErrorOf(() =>
      parseConfig({ argv: ["--switch-late-tolerance-ms", "401", "--switch-answer-timeout-ms", "99"], env: {}, cwd }),
    );
    expect(error.problems.map((p) => p.option)).toEqual([
      "--switch-late-tolerance-ms / RETROVUE_SWITCH_LATE_TOLERANCE_MS",
      "--switch-answer-timeout-ms / RETROVUE_SWITCH_ANSWER_TIMEOUT_MS",
    ]);
  });

  it("reads --session-start / RETROVUE_SESSION_START (immediate | scheduled) and refuses anything else", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: ["--session-start", "scheduled"], env: {}, cwd }).limits.sessionStart).toBe("scheduled");
    expect(parseConfig({ argv: [], env: { RETROVUE_SESSION_START: "scheduled" }, cwd }).limits.sessionStart).toBe("scheduled");
    expect(parseConfig({ argv: ["--session-start", "immediate"], env: { RETROVUE_SESSION_START: "scheduled" }, cwd }).limits.sessionStart).toBe("immediate");
    const error = configErrorOf(() => parseConfig({ argv: ["--session-start", "instant"], env: {}, cwd }));
    expect(error.problems.map((p) => p.option)).toEqual(["--session-start / RETROVUE_SESSION_START"]);
  });

  it("reads --start-position / RETROVUE_START_POSITION (on-air | item-start, default on-air) and refuses anything else", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: [], env: {}, cwd }).limits.startPosition).toBe("on-air");
    expect(parseConfig({ argv: ["--start-position", "item-start"], env: {}, cwd }).limits.startPosition).toBe("item-start");
    expect(parseConfig({ argv: [], env: { RETROVUE_START_POSITION: "item-start" }, cwd }).limits.startPosition).toBe("item-start");
    const error = configErrorOf(() => parseConfig({ argv: ["--start-position", "middle"], env: {}, cwd }));
    expect(error.problems.map((p) => p.option)).toEqual(["--start-position / RETROVUE_START_POSITION"]);
  });

  it("reads the engine pool size (default 1, 0 turns it off, 0-16)", () => {
    const cwd = makeTempDir();
    expect(parseConfig({ argv: [], env: {}, cwd }).air.poolSize).toBe(1);
    expect(parseConfig({ argv: ["--engine-pool-size", "0"], env: { RETROVUE_ENGINE_POOL_SIZE: "3" }, cwd }).air.poolSize).toBe(0);
    expect(parseConfig({ argv: [], env: { RETROVUE_ENGINE_POOL_SIZE: "16" }, cwd }).air.poolSize).toBe(16);
    expect(configErrorOf(() => parseConfig({ argv: ["--engine-pool-size", "17"], env: {}, cwd })).problems).toEqual([
      { option: "--engine-pool-size / RETROVUE_ENGINE_POOL_SIZE", message: 'must be an integer from 0 to 16, got "17"' },
    ]);
  });

  it("accepts a lineup path that exists", () => {
    const cwd = makeTempDir();
    mkdirSync(join(cwd, "lineups"));
    writeFileSync(join(cwd, "lineups", "mine.json"), "{}");
    expect(parseConfig({ argv: ["--lineup", "lineups/mine.json"], env: {}, cwd }).lineupPath).toBe(join(cwd, "lineups", "mine.json"));
  });
});

describe("parseCommandLine", () => {
  it("answers --help instead of a config, and the usage names every flag and variable", () => {
    expect(parseCommandLine({ argv: ["--port", "x", "--help"], env: {} })).toEqual({ kind: "help" });
    const usage = configUsage();
    for (const name of ["--port", "--lineup", "--data-dir", "AIR_MODE", "AIR_ADDRESS", "AIR_BINARY", "--max-sessions-per-owner", "--no-sessionless-streaming"]) {
      expect(usage).toContain(name);
    }
  });
});
