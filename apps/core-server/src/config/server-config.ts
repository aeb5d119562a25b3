import type { SessionStartMode, StartPosition } from "@retrovue/core-runtime";
/**
 * How Core reaches AIR:
 * - `embedded`: a fake AIR started by the server itself (the default; see {@link EmbeddedAirForm});
 * - `connect`: one engine address that takes many channels;
 * - `spawn`: one engine process per channel on a free loopback port (as the real engine needs).
 */
export type AirMode = "embedded" | "connect" | "spawn";

/** Form of the embedded fake: one in-process multi-channel engine, or one spawned process per channel. */
export type EmbeddedAirForm = "multi" | "spawn";

/** What happens when a session opens more streams than allowed (GOVERNANCE.md guarantee 8). */
export type ConcurrencyPolicy = "terminate" | "reject";

/** pino levels accepted by `--log-level`. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface AirConfig {
  readonly mode: AirMode;
  /** Only used when `mode` is `embedded`. Default `multi`. */
  readonly embeddedForm: EmbeddedAirForm;
  /** `host:port` of the engine; set exactly when `mode` is `connect`. */
  readonly address: string | undefined;
  /** Absolute path of the engine executable; set exactly when `mode` is `spawn`. */
  readonly binary: string | undefined;
  /** Default deadline of one engine call, ms. Default 5000. SwitchToLive adds its lead. */
  readonly callTimeoutMs: number;
  /** Spawn modes: how long a new engine process may take to answer GetVersion, ms. Default 10000. */
  readonly readyTimeoutMs: number;
  /** Deadline of StopChannel at teardown, ms. Default 3000. */
  readonly stopTimeoutMs: number;
  /** Spawn modes: wait between SIGTERM and SIGKILL, ms. Default 2000. */
  readonly killAfterMs: number;
  /** Spawn modes: started, ready engine processes kept for the next tune-ins (0–16; 0 = none). Default 1. */
  readonly poolSize: number;
}

export interface LimitsConfig {
  /** Live sessions one owner may hold (owner defaults to `client:<address>`). Default 16. */
  readonly maxSessionsPerOwner: number;
  /** Open streams per session (the session's concurrency slots). Default 2. */
  readonly maxStreamsPerSession: number;
  /** Default `terminate` (the seed's rule); `reject` answers 429 with Retry-After. */
  readonly concurrencyPolicy: ConcurrencyPolicy;
  /** A session with no activity for this long is terminated (`idle_timeout`), ms. Default 120000. */
  readonly sessionIdleTimeoutMs: number;
  /** A session is terminated this long after creation (`max_lifetime`), ms. Default 14400000 (4 h). */
  readonly sessionMaxLifetimeMs: number;
  /** Largest single `extend` step, ms; 0 turns extending off. Default 3600000 (1 h). */
  readonly sessionMaxExtensionMs: number;
  /** Period of the governance sweep that terminates expired, untouched sessions, ms; 0 = off (request-driven only). Default 60000. */
  readonly sessionSweepIntervalMs: number;
  /** Extensions never push a session's lifetime past this, ms from creation. Default 86400000 (24 h). */
  readonly sessionLifetimeCapMs: number;
  /** Channels playing at once (engine "tuners"). Default 4. */
  readonly maxTuners: number;
  /** INV-TEARDOWN-GRACE-TIMEOUT-001 grace, ms. Default 10000. */
  readonly teardownGraceMs: number;
  /** MIN_PREFEED_LEAD_MS (1000–30000). Default 5000. The embedded fake gets the same value. */
  readonly minPrefeedLeadMs: number;
  /**
   * LoadPreview lead before each boundary, ms; a tune-in to a stopped channel also waits
   * this long for its first picture. Default max(7000, minPrefeedLeadMs + 2000); must exceed
   * minPrefeedLeadMs + 600 (the switch margin and slack).
   */
  readonly preloadLeadMs: number;
  /**
   * INV-SWITCH-ISSUANCE-DEADLINE-001: a SwitchToLive issued later than this (ms after its
   * issuance instant) is counted late (WARN, `retrovue_switch_issued_late_total`); it is still
   * sent with its exact target while its lead is ≥ minPrefeedLeadMs, and only a lead below
   * that fails the boundary. Default 50, at most 400. Kept for compatibility.
   */
  readonly switchLateToleranceMs: number;
  /** A SwitchToLive unanswered this long after its target fails the boundary (hung-engine backstop), ms. Default 5000. */
  readonly switchAnswerTimeoutMs: number;
  /** Delays before each restart try of a channel that failed terminally, ms; its length is the most tries. Default [1000, 2000, 4000, 8000, 16000]. */
  readonly restartBackoffMs: readonly number[];
  /**
   * How a channel session starts (INV-SESSION-START-IMMEDIATE-001): `immediate` (SwitchToLive
   * target 0, NOT_READY polled within a start deadline) or `scheduled` (the first switch after
   * the preload lead, the previous path). Default `immediate`.
   */
  readonly sessionStart: SessionStartMode;
  /**
   * Where a session (or a restart) starts in the item on air: `on-air`, the frame on air
   * (default), or `item-start`, the item's first frame, cut at its scheduled end — for the
   * real AIR engine, which writes nothing after a start inside an item until channel time
   * reaches the item's media time.
   */
  readonly startPosition: StartPosition;
  /**
   * Output watchdog: a LIVE channel whose engine wrote no byte this long (before the run's
   * first byte: 3× this) counts as an engine failure (the engine is killed and restarted, viewers kept), ms. Default 4000,
   * well above the real engine's ~1 s stalls at boundaries; 0 turns it off.
   */
  readonly outputWatchdogMs: number;
}

/** Admission control and retention of viewer sessions (issue 14). */
export interface SessionAdmissionConfig {
  /** Live sessions one client address may hold, whatever owners it names. Default 64. */
  readonly maxSessionsPerClient: number;
  /** Live sessions in all; `POST /sessions` answers 503 beyond. Default 20000. */
  readonly maxLiveSessions: number;
  /** Sessions one client address may create per minute (token bucket, burst the same). Default 60. */
  readonly createPerMinute: number;
  /** Proxy addresses whose X-Forwarded-For (rightmost entry) names the client. Default none. */
  readonly trustedProxies: readonly string[];
  /** A terminated session answers 410 this long, then it and its audit are purged, ms. Default 30 days. */
  readonly sessionRetentionMs: number;
  /** Audit rows of terminated sessions are kept this long, ms (<= sessionRetentionMs). Default 30 days. */
  readonly auditRetentionMs: number;
}

export interface HttpConfig {
  /** Largest accepted request body, bytes; more → 413. Default 65536. */
  readonly maxBodyBytes: number;
  /** Largest accepted request head (all header lines), bytes; more → 431. Default 16384. */
  readonly maxHeaderBytes: number;
  /** Time allowed to receive the request head, ms. Default 10000. */
  readonly headersTimeoutMs: number;
  /** Time allowed to receive the whole request (not the response), ms. Default 30000. */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this, ms. Default 5000. */
  readonly keepAliveTimeoutMs: number;
}

/**
 * The server's whole configuration, validated: every field is present and in range.
 * Built by `parseConfig` from flags, env and defaults (flag beats env beats default).
 * Paths are absolute.
 */
export interface ServerConfig {
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host: string;
  /** TCP port; 0 picks a free one. Default 8000. */
  readonly port: number;
  /** Directory for the SQLite file, engine logs and the generated admin token. Default ./data. */
  readonly dataDir: string;
  /** Session database (SQLite), `<dataDir>/sessions.db`. */
  readonly databasePath: string;
  /** Per-channel engine logs, `<dataDir>/logs`. */
  readonly logDir: string;
  /** Lineup file (contract A). Default: the sample lineup shipped with the server. */
  readonly lineupPath: string;
  /** What a lineup media problem does at load: fail the start (`error`), log (`warn`), or no check (`off`). */
  readonly lineupMediaCheck: "error" | "warn" | "off";
  readonly logLevel: LogLevel;
  /** Lineup stream URLs work without a session (for players that cannot hold one). Default true. */
  readonly sessionlessStreaming: boolean;
  /** Operator bearer token if configured; otherwise read from or generated into the data dir. */
  readonly adminToken: string | undefined;
  /** Bound on a graceful shutdown before the rest is forced, ms. Default 15000. */
  readonly shutdownTimeoutMs: number;
  readonly air: AirConfig;
  readonly limits: LimitsConfig;
  readonly http: HttpConfig;
  /** HDHomeRun discovery (UDP): see `guide/hdhomerun-discovery.ts`. */
  readonly discovery: DiscoveryConfig;
  readonly sessions: SessionAdmissionConfig;
  readonly hls: HlsConfig;
}

/** HDHomeRun discovery responder settings. */
export interface DiscoveryConfig {
  /** Default: on when `host` is not a loopback address (media servers on the LAN can reach us). */
  readonly enabled: boolean;
  /** IPv4 address to bind. Default 0.0.0.0. */
  readonly host: string;
  /** UDP port. Default 65001. */
  readonly port: number;
}

/** HLS output (`/channels/{n}/stream.m3u8`). */
export interface HlsConfig {
  /** EXT-X-TARGETDURATION, s; segments are cut at the first keyframe past it. Default 2; 1–10. */
  readonly targetDurationS: number;
  /** Segments listed in a playlist. Default 6; 3–30. */
  readonly windowSegments: number;
  /** An HLS viewer whose last fetch is older than this has left, ms. Default 15000; 2000–600000. */
  readonly viewerIdleMs: number;
}
