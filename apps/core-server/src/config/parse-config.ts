import { SESSION_START_MODES, START_POSITIONS, type SessionStartMode, type StartPosition } from "@retrovue/core-runtime";
import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { OPTION_SPECS, optionLabel, type OptionKey } from "./config-options.js";
import { sampleLineupPath } from "./default-paths.js";
import { readRawOptions, type RawOption } from "./read-raw-options.js";
import type { AirMode, ConcurrencyPolicy, EmbeddedAirForm, LogLevel, ServerConfig } from "./server-config.js";

/** Where `parseConfig` reads from. Everything is explicit so tests need no process state. */
export interface ConfigInput {
  /** Command-line arguments after the script name (`process.argv.slice(2)`). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Directory relative paths resolve against. Default: `env.INIT_CWD` (set by pnpm/npm to
   * where the user ran the command, so `pnpm start` from the repo root keeps `./data` there)
   * or else `process.cwd()`.
   */
  readonly cwd?: string;
}

/** Outcome of reading the command line: a config, or a request for `--help`. */
export type ParsedCommandLine = { readonly kind: "config"; readonly config: ServerConfig } | { readonly kind: "help" };

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const TRUE_WORDS = new Set(["1", "true", "on", "yes"]);
const FALSE_WORDS = new Set(["0", "false", "off", "no"]);

/** Validating readers over the raw options; each records a problem instead of throwing. */
class OptionReader {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly values: ReadonlyMap<OptionKey, RawOption>) {}

  has(key: OptionKey): boolean {
    return this.values.has(key);
  }

  problem(key: OptionKey, message: string): void {
    const spec = OPTION_SPECS.find((candidate) => candidate.key === key);
    this.problems.push({ option: spec === undefined ? key : optionLabel(spec), message });
  }

  string(key: OptionKey): string | undefined {
    const raw = this.values.get(key);
    if (raw === undefined) return undefined;
    if (typeof raw.value === "string") return raw.value;
    this.problem(key, "needs a value");
    return undefined;
  }

  int(key: OptionKey, fallback: number, min: number, max: number): number {
    const text = this.string(key);
    if (text === undefined) return fallback;
    const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problem(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return fallback;
    }
    return n;
  }

  /** A comma-separated list of 1..maxItems integers in [min, max]. */
  intList(key: OptionKey, fallback: readonly number[], min: number, max: number, maxItems: number): readonly number[] {
    const text = this.string(key);
    if (text === undefined) return fallback;
    const items = text.split(",").map((item) => item.trim());
    const numbers = items.map((item) => (/^\d+$/.test(item) ? Number(item) : Number.NaN));
    if (items.length > maxItems || numbers.some((n) => !Number.isSafeInteger(n) || n < min || n > max)) {
      this.problem(key, `must be 1 to ${maxItems} comma-separated integers from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return fallback;
    }
    return numbers;
  }

  /** A comma-separated list of IP addresses (v4 or v6). */
  ipList(key: OptionKey): readonly string[] {
    const text = this.string(key);
    if (text === undefined || text.trim() === "" || text.trim() === "none") return [];
    const items = text.split(",").map((item) => item.trim());
    const bad = items.filter((item) => isIP(item) === 0);
    if (bad.length > 0) {
      this.problem(key, `must be comma-separated IP addresses, got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
      return [];
    }
    return items;
  }

  oneOf<T extends string>(key: OptionKey, allowed: readonly T[], fallback: T): T {
    const text = this.string(key);
    if (text === undefined) return fallback;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    this.problem(key, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(text)}`);
    return fallback;
  }

  bool(key: OptionKey, fallback: boolean): boolean {
    const raw = this.values.get(key);
    if (raw === undefined) return fallback;
    if (typeof raw.value === "boolean") return raw.value;
    const word = raw.value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    this.problem(key, `must be on/off (true/false, 1/0, yes/no), got ${JSON.stringify(raw.value)}`);
    return fallback;
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A channel's start-up beyond its preload lead: StartChannel, AttachStream, the switch answer. */
const STARTUP_SLACK_MS = 1_000;

/**
 * Reads flags and env into a validated {@link ServerConfig} (flag beats env beats default),
 * or `{ kind: "help" }` for `--help`. Checks ranges, cross-field rules (AIR mode against
 * address/binary, lifetime against its cap) and that files exist.
 *
 * @throws ConfigError listing every problem found.
 */
export function parseCommandLine(input: ConfigInput): ParsedCommandLine {
  const raw = readRawOptions(input.argv, input.env);
  if (raw.help) return { kind: "help" };
  const baseDir = input.cwd ?? input.env.INIT_CWD ?? process.cwd();
  const r = new OptionReader(raw.values);
  r.problems.push(...raw.problems);

  const host = r.string("host") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) r.problem("host", `is not a host name or IP address: ${JSON.stringify(host)}`);
  const port = r.int("port", 8000, 0, 65_535);

  const dataDir = resolve(baseDir, r.string("dataDir") ?? "data");
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) r.problem("dataDir", `${dataDir} exists and is not a directory`);

  const lineupText = r.string("lineup");
  const lineupPath = lineupText === undefined ? sampleLineupPath() : resolve(baseDir, lineupText);
  if (!existsSync(lineupPath)) r.problem("lineup", `no such file: ${lineupPath}`);
  else if (!statSync(lineupPath).isFile()) r.problem("lineup", `not a file: ${lineupPath}`);

  const adminToken = r.string("adminToken");
  if (adminToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(adminToken)) {
    r.problem("adminToken", "must be 16 to 256 printable characters without spaces");
  }

  const address = r.string("airAddress");
  const binaryText = r.string("airBinary");
  // Without AIR_MODE, naming an engine picks its mode: a user who sets AIR_ADDRESS wants it used.
  const impliedMode: AirMode = address !== undefined ? "connect" : binaryText !== undefined ? "spawn" : "embedded";
  const mode = r.oneOf<AirMode>("airMode", ["embedded", "connect", "spawn"], impliedMode);
  const embeddedForm = r.oneOf<EmbeddedAirForm>("embeddedAir", ["multi", "spawn"], "multi");
  if (mode === "connect" && address === undefined) r.problem("airAddress", "is required when AIR_MODE=connect");
  if (mode !== "connect" && address !== undefined) r.problem("airAddress", `is only used when AIR_MODE=connect (AIR_MODE is ${mode})`);
  if (address !== undefined && !isHostPort(address)) r.problem("airAddress", `must be host:port with a port 1-65535, got ${JSON.stringify(address)}`);
  if (mode === "spawn" && binaryText === undefined) r.problem("airBinary", "is required when AIR_MODE=spawn");
  if (mode !== "spawn" && binaryText !== undefined) r.problem("airBinary", `is only used when AIR_MODE=spawn (AIR_MODE is ${mode})`);
  const binary = binaryText === undefined ? undefined : resolve(baseDir, binaryText);
  if (binary !== undefined && !(existsSync(binary) && statSync(binary).isFile())) r.problem("airBinary", `no such file: ${binary}`);
  if (mode !== "embedded" && r.has("embeddedAir")) r.problem("embeddedAir", `is only used when AIR_MODE=embedded (AIR_MODE is ${mode})`);

  const minPrefeedLeadMs = r.int("minPrefeedLeadMs", 5_000, 1_000, 30_000);
  const limits = {
    maxSessionsPerOwner: r.int("maxSessionsPerOwner", 16, 1, 10_000),
    maxStreamsPerSession: r.int("maxStreamsPerSession", 2, 1, 64),
    concurrencyPolicy: r.oneOf<ConcurrencyPolicy>("concurrencyPolicy", ["terminate", "reject"], "terminate"),
    sessionIdleTimeoutMs: r.int("sessionIdleTimeoutMs", 120_000, 1_000, 7 * DAY_MS),
    sessionMaxLifetimeMs: r.int("sessionMaxLifetimeMs", 4 * HOUR_MS, 1_000, 365 * DAY_MS),
    sessionMaxExtensionMs: r.int("sessionMaxExtensionMs", HOUR_MS, 0, 365 * DAY_MS),
    sessionLifetimeCapMs: r.int("sessionLifetimeCapMs", DAY_MS, 1_000, 365 * DAY_MS),
    sessionSweepIntervalMs: r.int("sessionSweepIntervalMs", 60_000, 0, HOUR_MS),
    maxTuners: r.int("maxTuners", 4, 1, 1_000),
    teardownGraceMs: r.int("teardownGraceMs", 10_000, 1_000, 120_000),
    minPrefeedLeadMs,
    preloadLeadMs: r.int("preloadLeadMs", Math.max(7_000, minPrefeedLeadMs + 2_000), 1_000, 60_000),
    // Only when a switch is counted late; whether it is sent depends on its lead (INV-SWITCH-ISSUANCE-DEADLINE-001).
    switchLateToleranceMs: r.int("switchLateToleranceMs", 50, 0, 400),
    switchAnswerTimeoutMs: r.int("switchAnswerTimeoutMs", 5_000, 100, 120_000),
    restartBackoffMs: r.intList("restartBackoffMs", [1_000, 2_000, 4_000, 8_000, 16_000], 0, HOUR_MS, 100),
    sessionStart: r.oneOf<SessionStartMode>("sessionStart", SESSION_START_MODES, "immediate"),
    startPosition: r.oneOf<StartPosition>("startPosition", START_POSITIONS, "on-air"),
    outputWatchdogMs: r.int("outputWatchdogMs", 4_000, 0, 600_000),
  };
  if (limits.outputWatchdogMs > 0 && limits.outputWatchdogMs < 500) {
    r.problem("outputWatchdogMs", "must be 0 (off) or at least 500 ms");
  }
  if (limits.preloadLeadMs <= limits.minPrefeedLeadMs + 600) {
    r.problem("preloadLeadMs", `must be above the min prefeed lead + 600 ms (${limits.minPrefeedLeadMs + 600} ms)`);
  }
  if (limits.sessionSweepIntervalMs > 0 && limits.sessionSweepIntervalMs < 1_000) {
    r.problem("sessionSweepIntervalMs", "must be 0 (off) or at least 1000 ms");
  }
  if (limits.sessionLifetimeCapMs < limits.sessionMaxLifetimeMs) {
    r.problem("sessionLifetimeCapMs", `must be at least the session max lifetime (${limits.sessionMaxLifetimeMs} ms)`);
  }

  const air = {
    mode,
    embeddedForm,
    address: mode === "connect" ? address : undefined,
    binary: mode === "spawn" ? binary : undefined,
    callTimeoutMs: r.int("engineCallTimeoutMs", 5_000, 100, 120_000),
    readyTimeoutMs: r.int("engineReadyTimeoutMs", 10_000, 100, 300_000),
    stopTimeoutMs: r.int("engineStopTimeoutMs", 3_000, 100, 120_000),
    killAfterMs: r.int("engineKillAfterMs", 2_000, 100, 60_000),
    poolSize: r.int("enginePoolSize", 1, 0, 16),
  };

  const http = {
    maxBodyBytes: r.int("maxBodyBytes", 65_536, 1_024, 16 * 1024 * 1024),
    maxHeaderBytes: r.int("maxHeaderBytes", 16_384, 1_024, 1024 * 1024),
    headersTimeoutMs: r.int("headersTimeoutMs", 10_000, 1_000, 300_000),
    requestTimeoutMs: r.int("requestTimeoutMs", 30_000, 1_000, 3_600_000),
    keepAliveTimeoutMs: r.int("keepAliveTimeoutMs", 5_000, 100, 600_000),
  };
  if (http.requestTimeoutMs < http.headersTimeoutMs) {
    r.problem("requestTimeoutMs", `must be at least the headers timeout (${http.headersTimeoutMs} ms)`);
  }

  const discoveryHost = r.string("discoveryHost") ?? "0.0.0.0";
  if (!isIpv4(discoveryHost)) r.problem("discoveryHost", `must be an IPv4 address, got ${JSON.stringify(discoveryHost)}`);
  // A stop during a channel's start-up is deferred until the start ends (LIFECYCLE.md): the
  // first picture comes a preload lead after the tune-in, plus ~1 s for StartChannel and the
  // switch answer. A grace shorter than that fails channels that are starting normally.
  const startupMs = limits.preloadLeadMs + STARTUP_SLACK_MS;
  if (limits.teardownGraceMs < startupMs && !r.bool("allowShortTeardownGrace", false)) {
    r.problem(
      "teardownGraceMs",
      `must be at least a channel's start-up, the preload lead + ${STARTUP_SLACK_MS} ms (${startupMs} ms): a stop during start-up waits for it, and a shorter grace fails channels that start normally (--allow-short-teardown-grace accepts it anyway)`,
    );
  }

  const sessions = {
    maxSessionsPerClient: r.int("maxSessionsPerClient", 64, 1, 100_000),
    maxLiveSessions: r.int("maxLiveSessions", 20_000, 1, 10_000_000),
    createPerMinute: r.int("sessionCreateRate", 60, 1, 100_000),
    trustedProxies: r.ipList("trustedProxies"),
    sessionRetentionMs: r.int("sessionRetentionDays", 30, 1, 3_650) * DAY_MS,
    auditRetentionMs: r.int("auditRetentionDays", 30, 1, 3_650) * DAY_MS,
  };
  if (sessions.auditRetentionMs > sessions.sessionRetentionMs) {
    r.problem("auditRetentionDays", `must be at most the session retention (${sessions.sessionRetentionMs / DAY_MS} days): the audit of a purged session goes with it`);
  }
  const hls = {
    targetDurationS: r.int("hlsTargetDurationS", 2, 1, 10),
    windowSegments: r.int("hlsWindowSegments", 6, 3, 30),
    viewerIdleMs: r.int("hlsViewerIdleMs", 15_000, 2_000, 600_000),
  };

  const config: ServerConfig = {
    host,
    port,
    dataDir,
    databasePath: join(dataDir, "sessions.db"),
    logDir: join(dataDir, "logs"),
    lineupPath,
    lineupMediaCheck: r.oneOf<"error" | "warn" | "off">("lineupMediaCheck", ["error", "warn", "off"], "error"),
    logLevel: r.oneOf<LogLevel>("logLevel", LOG_LEVELS, "info"),
    sessionlessStreaming: r.bool("sessionlessStreaming", true),
    adminToken,
    shutdownTimeoutMs: r.int("shutdownTimeoutMs", 15_000, 1_000, 600_000),
    air,
    limits,
    http,
    discovery: {
      enabled: r.bool("discovery", !isLoopbackHost(host)),
      host: discoveryHost,
      port: r.int("discoveryPort", 65_001, 0, 65_535),
    },
    sessions,
    hls,
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return { kind: "config", config };
}

/**
 * {@link parseCommandLine} for callers that have no `--help` to honour (tests, embedding).
 * @throws ConfigError listing every problem, or if `--help` was given.
 */
export function parseConfig(input: ConfigInput): ServerConfig {
  const parsed = parseCommandLine(input);
  if (parsed.kind === "help") throw new ConfigError([{ option: "--help", message: "not a configuration" }]);
  return parsed.config;
}

/** Loopback hosts: nothing off this machine can reach them, so discovery stays off by default. */
function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isHostPort(text: string): boolean {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (m === null) return false;
  const port = Number(m[2]);
  return port >= 1 && port <= 65_535;
}
