/** One command-line option: its flag, its environment variable and its help line. */
export interface OptionSpec {
  /** Key used by the parser, e.g. `port`. */
  readonly key: OptionKey;
  /** Long flag, e.g. `--port`. Boolean options also accept `--no-<name>`. */
  readonly flag: `--${string}`;
  /** Environment variable, e.g. `RETROVUE_PORT`. */
  readonly env: string;
  /** `boolean` options take no value on the command line. */
  readonly kind: "value" | "boolean";
  readonly help: string;
  /** Shown in `--help`. */
  readonly defaultText: string;
}

/** Every option key; one per row of {@link OPTION_SPECS}. */
export type OptionKey =
  | "host" | "port" | "lineup" | "dataDir" | "logLevel" | "adminToken" | "sessionlessStreaming"
  | "shutdownTimeoutMs"
  | "airMode" | "airAddress" | "airBinary" | "embeddedAir" | "engineCallTimeoutMs"
  | "engineReadyTimeoutMs" | "engineStopTimeoutMs" | "engineKillAfterMs"
  | "enginePoolSize"
  | "maxSessionsPerOwner" | "maxStreamsPerSession" | "concurrencyPolicy" | "sessionIdleTimeoutMs"
  | "sessionMaxLifetimeMs" | "sessionMaxExtensionMs" | "sessionLifetimeCapMs" | "sessionSweepIntervalMs"
  | "maxTuners" | "teardownGraceMs" | "minPrefeedLeadMs" | "preloadLeadMs" | "switchLateToleranceMs"
  | "switchAnswerTimeoutMs" | "restartBackoffMs"
  | "maxBodyBytes" | "maxHeaderBytes" | "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs";

const value = (key: OptionKey, flag: `--${string}`, env: string, defaultText: string, help: string): OptionSpec => ({
  key, flag, env, kind: "value", help, defaultText,
});

/** The option table: drives parsing, validation messages and `--help`. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  value("host", "--host", "RETROVUE_HOST", "127.0.0.1", "interface to listen on"),
  value("port", "--port", "RETROVUE_PORT", "8000", "TCP port (0 = any free port)"),
  value("lineup", "--lineup", "RETROVUE_LINEUP", "the shipped sample lineup", "lineup JSON file"),
  value("dataDir", "--data-dir", "RETROVUE_DATA_DIR", "./data", "SQLite file, engine logs, generated admin token"),
  value("logLevel", "--log-level", "LOG_LEVEL", "info", "fatal|error|warn|info|debug|trace|silent"),
  value("adminToken", "--admin-token", "RETROVUE_ADMIN_TOKEN", "generated at first start", "operator bearer token (16+ chars)"),
  { key: "sessionlessStreaming", flag: "--sessionless-streaming", env: "RETROVUE_SESSIONLESS_STREAMING", kind: "boolean",
    defaultText: "on", help: "serve /channels/{n}/stream.ts without a session (--no-sessionless-streaming to turn off)" },
  value("shutdownTimeoutMs", "--shutdown-timeout-ms", "RETROVUE_SHUTDOWN_TIMEOUT_MS", "15000", "bound on a graceful shutdown"),
  value("airMode", "--air-mode", "AIR_MODE", "embedded (connect if AIR_ADDRESS, spawn if AIR_BINARY)", "embedded|connect|spawn"),
  value("airAddress", "--air-address", "AIR_ADDRESS", "none", "host:port of a multi-channel engine (connect mode)"),
  value("airBinary", "--air-binary", "AIR_BINARY", "none", "engine executable, one process per channel (spawn mode)"),
  value("embeddedAir", "--embedded-air", "AIR_EMBEDDED_FORM", "multi", "embedded fake: multi (in-process) | spawn (a process per channel)"),
  value("engineCallTimeoutMs", "--engine-call-timeout-ms", "AIR_CALL_TIMEOUT_MS", "5000", "deadline of one engine call"),
  value("engineReadyTimeoutMs", "--engine-ready-timeout-ms", "AIR_READY_TIMEOUT_MS", "10000", "spawned engine must answer within"),
  value("engineStopTimeoutMs", "--engine-stop-timeout-ms", "AIR_STOP_TIMEOUT_MS", "3000", "StopChannel deadline at teardown"),
  value("engineKillAfterMs", "--engine-kill-after-ms", "AIR_KILL_AFTER_MS", "2000", "wait between SIGTERM and SIGKILL"),
  value("enginePoolSize", "--engine-pool-size", "RETROVUE_ENGINE_POOL_SIZE", "1", "spawn modes: started, ready engine processes kept for the next tune-ins, 0-16 (0 = spawn on demand)"),
  value("maxSessionsPerOwner", "--max-sessions-per-owner", "RETROVUE_MAX_SESSIONS_PER_OWNER", "16", "live sessions one owner (by default one client address) may hold, 1-10000"),
  value("maxStreamsPerSession", "--max-streams-per-session", "RETROVUE_MAX_STREAMS_PER_SESSION", "2", "open streams per session"),
  value("concurrencyPolicy", "--concurrency-policy", "RETROVUE_CONCURRENCY_POLICY", "terminate", "terminate|reject (429) when a session exceeds its streams"),
  value("sessionIdleTimeoutMs", "--session-idle-timeout-ms", "RETROVUE_SESSION_IDLE_TIMEOUT_MS", "120000", "idle session is terminated after"),
  value("sessionMaxLifetimeMs", "--session-max-lifetime-ms", "RETROVUE_SESSION_MAX_LIFETIME_MS", "14400000", "session lifetime from creation"),
  value("sessionMaxExtensionMs", "--session-max-extension-ms", "RETROVUE_SESSION_MAX_EXTENSION_MS", "3600000", "largest single extend step (0 = extending off)"),
  value("sessionLifetimeCapMs", "--session-lifetime-cap-ms", "RETROVUE_SESSION_LIFETIME_CAP_MS", "86400000", "extensions never go past this from creation"),
  value("sessionSweepIntervalMs", "--session-sweep-interval-ms", "RETROVUE_SESSION_SWEEP_INTERVAL_MS", "60000", "terminate expired, untouched sessions this often (0 = only on requests), 0 or 1000-3600000"),
  value("maxTuners", "--max-tuners", "RETROVUE_MAX_TUNERS", "4", "tuner budget: channels playing at once (HDHomeRun TunerCount), 1-1000"),
  value("teardownGraceMs", "--teardown-grace-ms", "RETROVUE_TEARDOWN_GRACE_MS", "10000", "INV-TEARDOWN-GRACE-TIMEOUT-001 grace; also the shutdown wait, 1000-120000"),
  value("minPrefeedLeadMs", "--min-prefeed-lead-ms", "RETROVUE_MIN_PREFEED_LEAD_MS", "5000", "MIN_PREFEED_LEAD_MS, 1000-30000 (also given to the embedded fake)"),
  value("preloadLeadMs", "--preload-lead-ms", "RETROVUE_PRELOAD_LEAD_MS", "max(7000, min prefeed lead + 2000)", "LoadPreview this long before a boundary (and the first picture after a tune-in), above min prefeed lead + 600, up to 60000"),
  value("switchLateToleranceMs", "--switch-late-tolerance-ms", "RETROVUE_SWITCH_LATE_TOLERANCE_MS", "50", "INV-SWITCH-ISSUANCE-DEADLINE-001: a SwitchToLive due longer ago than this fails the boundary, 0-400 (under the 500 ms switch margin)"),
  value("switchAnswerTimeoutMs", "--switch-answer-timeout-ms", "RETROVUE_SWITCH_ANSWER_TIMEOUT_MS", "5000", "a SwitchToLive still unanswered this long after its target fails the boundary, 100-120000"),
  value("restartBackoffMs", "--restart-backoff-ms", "RETROVUE_RESTART_BACKOFF_MS", "1000,2000,4000,8000,16000", "delays before each restart of a failed channel, comma-separated ms (0-3600000 each, 1-100 tries)"),
  value("maxBodyBytes", "--max-body-bytes", "RETROVUE_MAX_BODY_BYTES", "65536", "largest request body (413 beyond)"),
  value("maxHeaderBytes", "--max-header-bytes", "RETROVUE_MAX_HEADER_BYTES", "16384", "largest request head (431 beyond)"),
  value("headersTimeoutMs", "--headers-timeout-ms", "RETROVUE_HEADERS_TIMEOUT_MS", "10000", "time to receive a request head"),
  value("requestTimeoutMs", "--request-timeout-ms", "RETROVUE_REQUEST_TIMEOUT_MS", "30000", "time to receive a whole request"),
  value("keepAliveTimeoutMs", "--keep-alive-timeout-ms", "RETROVUE_KEEP_ALIVE_TIMEOUT_MS", "5000", "idle keep-alive connections close after"),
];

/** `--port / RETROVUE_PORT`: how a problem names the option. */
export function optionLabel(spec: OptionSpec): string {
  return `${spec.flag} / ${spec.env}`;
}

/** The `--help` text. */
export function configUsage(): string {
  const rows = OPTION_SPECS.map((spec) => {
    const left = `  ${spec.flag}${spec.kind === "value" ? " <value>" : ""}`;
    return `${left.padEnd(38)} ${spec.env.padEnd(34)} ${spec.help} [default: ${spec.defaultText}]`;
  });
  return [
    "Usage: retrovue-core [options]        (every option can also be set by its environment variable;",
    "                                       a flag beats the environment, which beats the default)",
    "",
    ...rows,
    "  --help                                 print this text",
  ].join("\n");
}
