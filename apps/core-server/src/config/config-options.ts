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
  | "switchAnswerTimeoutMs" | "restartBackoffMs" | "sessionStart" | "startPosition" | "outputWatchdogMs"
  | "maxBodyBytes" | "maxHeaderBytes" | "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs"
  | "lineupMediaCheck" | "discovery" | "discoveryHost" | "discoveryPort"
  | "maxSessionsPerClient" | "maxLiveSessions" | "sessionCreateRate" | "trustedProxies"
  | "sessionRetentionDays" | "auditRetentionDays" | "allowShortTeardownGrace"
  | "hlsTargetDurationS" | "hlsWindowSegments" | "hlsViewerIdleMs";

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
  value("switchLateToleranceMs", "--switch-late-tolerance-ms", "RETROVUE_SWITCH_LATE_TOLERANCE_MS", "50", "INV-SWITCH-ISSUANCE-DEADLINE-001: a SwitchToLive issued later than this is counted late (WARN, retrovue_switch_issued_late_total) and still sent with its exact target; only a lead below the min prefeed lead fails the boundary, 0-400"),
  value("switchAnswerTimeoutMs", "--switch-answer-timeout-ms", "RETROVUE_SWITCH_ANSWER_TIMEOUT_MS", "5000", "a SwitchToLive still unanswered this long after its target fails the boundary, 100-120000"),
  value("restartBackoffMs", "--restart-backoff-ms", "RETROVUE_RESTART_BACKOFF_MS", "1000,2000,4000,8000,16000", "delays before each restart of a failed channel, comma-separated ms (0-3600000 each, 1-100 tries)"),
  value("sessionStart", "--session-start", "RETROVUE_SESSION_START", "immediate", "how a channel session starts: immediate (SwitchToLive target 0, NOT_READY polled; first picture in well under a second) | scheduled (first switch after the preload lead)"),
  value("startPosition", "--start-position", "RETROVUE_START_POSITION", "on-air", "where a session (or restart) starts in the item on air: on-air (the frame on air now) | item-start (the item's first frame, cut at its scheduled end: for the real AIR engine, which writes nothing after a start inside an item until channel time reaches the item's media time)"),
  value("outputWatchdogMs", "--output-watchdog-ms", "RETROVUE_OUTPUT_WATCHDOG_MS", "4000", "a LIVE channel whose engine writes no bytes this long has it ended and restarted, viewers kept (0 = off, else 500-600000)"),
  value("maxBodyBytes", "--max-body-bytes", "RETROVUE_MAX_BODY_BYTES", "65536", "largest request body (413 beyond)"),
  value("maxHeaderBytes", "--max-header-bytes", "RETROVUE_MAX_HEADER_BYTES", "16384", "largest request head (431 beyond)"),
  value("headersTimeoutMs", "--headers-timeout-ms", "RETROVUE_HEADERS_TIMEOUT_MS", "10000", "time to receive a request head"),
  value("requestTimeoutMs", "--request-timeout-ms", "RETROVUE_REQUEST_TIMEOUT_MS", "30000", "time to receive a whole request"),
  value("keepAliveTimeoutMs", "--keep-alive-timeout-ms", "RETROVUE_KEEP_ALIVE_TIMEOUT_MS", "5000", "idle keep-alive connections close after"),
  value("lineupMediaCheck", "--lineup-media-check", "RETROVUE_LINEUP_MEDIA_CHECK", "error", "ffprobe the lineup's files at load (not MPEG-TS/MP4 with H.264 + AAC, or shorter than the item): error|warn|off"),
  { key: "discovery", flag: "--discovery", env: "RETROVUE_DISCOVERY", kind: "boolean",
    defaultText: "on when --host is not loopback", help: "answer HDHomeRun discovery (UDP) so Plex, Jellyfin and hdhomerun_config find the tuner (--no-discovery to turn off)" },
  value("discoveryHost", "--discovery-host", "RETROVUE_DISCOVERY_HOST", "0.0.0.0", "IPv4 address the discovery responder binds (0.0.0.0 also hears broadcasts)"),
  value("discoveryPort", "--discovery-port", "RETROVUE_DISCOVERY_PORT", "65001", "discovery UDP port (clients only ask 65001; 0 = any free port, for tests)"),
  value("maxSessionsPerClient", "--max-sessions-per-client", "RETROVUE_MAX_SESSIONS_PER_CLIENT", "64", "live sessions one client address may hold, whatever owners it names, 1-100000"),
  value("maxLiveSessions", "--max-live-sessions", "RETROVUE_MAX_LIVE_SESSIONS", "20000", "live sessions in all, 1-10000000 (503 beyond)"),
  value("sessionCreateRate", "--session-create-rate", "RETROVUE_SESSION_CREATE_RATE", "60", "sessions one client address may create per minute (burst the same), 1-100000 (429 beyond)"),
  value("trustedProxies", "--trusted-proxies", "RETROVUE_TRUSTED_PROXIES", "none", "comma-separated proxy IPs whose X-Forwarded-For names the client for session limits"),
  value("sessionRetentionDays", "--session-retention-days", "RETROVUE_SESSION_RETENTION_DAYS", "30", "terminated sessions answer 410 this long, then are purged with their audit, 1-3650"),
  value("auditRetentionDays", "--audit-retention-days", "RETROVUE_AUDIT_RETENTION_DAYS", "30", "audit rows of terminated sessions are kept this long, 1 to the session retention"),
  { key: "allowShortTeardownGrace", flag: "--allow-short-teardown-grace", env: "RETROVUE_ALLOW_SHORT_TEARDOWN_GRACE", kind: "boolean",
    defaultText: "off", help: "accept a teardown grace shorter than a channel's start-up (stops during start-up then fail channels; for tests)" },
  value("hlsTargetDurationS", "--hls-target-duration-s", "RETROVUE_HLS_TARGET_DURATION_S", "2", "HLS segment target (EXT-X-TARGETDURATION), whole seconds 1-10; cut at the first keyframe past it"),
  value("hlsWindowSegments", "--hls-window-segments", "RETROVUE_HLS_WINDOW_SEGMENTS", "6", "segments in an HLS playlist, 3-30"),
  value("hlsViewerIdleMs", "--hls-viewer-idle-ms", "RETROVUE_HLS_VIEWER_IDLE_MS", "15000", "an HLS viewer whose last fetch is older has left, 2000-600000"),
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
