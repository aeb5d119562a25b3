import type { RecordedCall } from "@retrovue/fake-air";
import { startContractServer, type ContractAir, type ContractServer } from "./contract-server.js";
import type { ContractLineupOptions } from "./contract-lineup.js";
import { startFakeAirProcess, type FakeAirProcess } from "./fake-air-process.js";
import { Timeline } from "./timeline.js";
import { openViewer, type Viewer } from "./viewer.js";
import { waitFor } from "./wait.js";

/**
 * The suite's timing. The invariants are about order and deadlines, not about how long a
 * boundary takes, so tests run with short leads: MIN_PREFEED 1 s, so the switch is issued
 * boundary − 1.5 s; a start-up boundary `preloadLeadMs` after tune-in.
 */
export const TIMING = Object.freeze({
  minPrefeedLeadMs: 1_000,
  /** ChannelManager's fixed margin: SwitchToLive goes out at boundary − MIN_PREFEED − 500 ms. */
  switchIssueMarginMs: 500,
  /** Default preload lead of the suite (start-up: PLANNED at once, SWITCH_ISSUED at +0.5 s, LIVE at +2 s). */
  preloadLeadMs: 2_000,
  /** "At once": the most a teardown RPC may trail the event that released it, ms (2 busy cores). */
  atOnceMs: 1_000,
  /**
   * The start path of the suite unless a test says otherwise: `scheduled`, whose first switch
   * is a scheduled boundary the tests can hold in each transient state (an HTTP viewer's head
   * arrives at the start, before that boundary). The immediate start (the server's default)
   * has its own file, inv-session-start-immediate-001.test.ts. No late-tolerance flag any
   * more: a late switch with lead ≥ MIN_PREFEED is sent and counted, not failed.
   */
  sessionStart: "scheduled" as "immediate" | "scheduled",
});

/** One row of `GET /admin/channels`. */
export interface AdminChannel {
  readonly number: number;
  readonly state: string;
  readonly phase: string | null;
  readonly boundaryState: string | null;
  readonly isLive: boolean;
  readonly provisional: boolean | null;
  readonly viewers: number;
  readonly teardownPending: boolean;
  readonly teardownDeadline: string | null;
  readonly teardownReason: string | null;
  readonly fatalReason: string | null;
  readonly restartAttempts: number;
  readonly nextRestartAt: string | null;
}

/** Options of {@link startScenario}. */
export interface ScenarioOptions {
  readonly minPrefeedLeadMs?: number;
  readonly preloadLeadMs?: number;
  /** Teardown grace, ms; "default" passes no flag (the server's own default). Default 4000. */
  readonly teardownGraceMs?: number | "default";
  /** Comma-separated restart delays. Default: one try after 60 s (no restart inside a test). */
  readonly restartBackoffMs?: string;
  readonly argv?: readonly string[];
  readonly lineup?: ContractLineupOptions;
  /** A lineup file the test wrote itself (passed to the server instead of the contract lineup). */
  readonly lineupPath?: string;
  /** `--switch-late-tolerance-ms` (what counts as a late switch). Default: the server's. */
  readonly switchLateToleranceMs?: number;
  /** Engine side: a fake process in connect mode (default), or spawn mode with this binary. */
  readonly spawnBinary?: string;
  readonly logLevel?: "debug" | "info" | "warn";
  /** `--session-start` of the server. Default {@link TIMING.sessionStart}. */
  readonly sessionStart?: "immediate" | "scheduled";
}

/** A fake AIR process (connect mode) plus the real server, and the suite's probes. */
export interface Scenario {
  /** Undefined in spawn mode (each channel has its own engine process). */
  readonly air: FakeAirProcess | undefined;
  readonly server: ContractServer;
  readonly preloadLeadMs: number;
  readonly minPrefeedLeadMs: number;
  readonly graceMs: number;
  /** GET /admin/channels row of channel `n`. */
  channel(n: number): Promise<AdminChannel>;
  /** Polls the admin row until `predicate` holds; resolves with that row. */
  waitChannel(n: number, predicate: (c: AdminChannel) => boolean, what: string, timeoutMs?: number): Promise<AdminChannel>;
  /** Waits until no channel session is left (admin `channelsPlaying` 0). */
  waitIdle(timeoutMs?: number): Promise<void>;
  /** Opens a session-less viewer of channel `n` (resolves at the response head). */
  tune(n: number): Promise<Viewer>;
  /** The fake's record, for channel `n`. Connect mode only. */
  timeline(n: number): Promise<Timeline>;
  /** Polls the fake's record until `predicate` holds; resolves with the timeline. */
  waitCalls(n: number, predicate: (t: Timeline) => boolean, what: string, timeoutMs?: number): Promise<Timeline>;
}

/**
 * Starts a fake AIR (multi-channel, its own process) and the server in connect mode, with
 * the suite's timing unless overridden. In spawn mode no shared fake is started.
 */
export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const minPrefeedLeadMs = options.minPrefeedLeadMs ?? TIMING.minPrefeedLeadMs;
  const preloadLeadMs = options.preloadLeadMs ?? TIMING.preloadLeadMs;
  const graceFlag = options.teardownGraceMs === "default" ? [] : ["--teardown-grace-ms", String(options.teardownGraceMs ?? 4_000), "--allow-short-teardown-grace"];
  // The fake enforces the suite's MIN_PREFEED; a server configured with a longer lead still passes it.
  const air = options.spawnBinary === undefined ? await startFakeAirProcess({ minPrefeedLeadMs: TIMING.minPrefeedLeadMs }) : undefined;
  const engine: ContractAir = air !== undefined ? { mode: "connect", address: air.address } : { mode: "spawn", binary: options.spawnBinary! };
  const server = await startContractServer({
    air: engine,
    argv: [
      "--min-prefeed-lead-ms", String(minPrefeedLeadMs),
      "--preload-lead-ms", String(preloadLeadMs),
      ...graceFlag,
      "--restart-backoff-ms", options.restartBackoffMs ?? "60000",
      "--session-start", options.sessionStart ?? TIMING.sessionStart,
      ...(options.switchLateToleranceMs !== undefined ? ["--switch-late-tolerance-ms", String(options.switchLateToleranceMs)] : []),
      ...(options.argv ?? []),
    ],
    ...(options.lineup !== undefined ? { lineup: options.lineup } : {}),
    ...(options.lineupPath !== undefined ? { lineupPath: options.lineupPath } : {}),
    ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
  });

  const channel = async (n: number): Promise<AdminChannel> => {
    const answer = await server.admin("/admin/channels");
    if (answer.status !== 200) throw new Error(`GET /admin/channels: HTTP ${answer.status} ${answer.text}`);
    const row = (answer.json as { channels: AdminChannel[] }).channels.find((c) => c.number === n);
    if (row === undefined) throw new Error(`channel ${n} is not in the lineup`);
    return row;
  };
  const timeline = async (n: number): Promise<Timeline> => {
    if (air === undefined) throw new Error("spawn mode: no shared fake to read calls from");
    return new Timeline(await air.calls(), n);
  };
  return {
    air,
    server,
    preloadLeadMs,
    minPrefeedLeadMs,
    graceMs: server.config.limits.teardownGraceMs,
    channel,
    async waitChannel(n, predicate, what, timeoutMs = 10_000) {
      let lastRow: AdminChannel | undefined;
      try {
        return await waitFor(async () => {
          lastRow = await channel(n);
          return predicate(lastRow) ? lastRow : undefined;
        }, { what: `channel ${n}: ${what}`, timeoutMs, intervalMs: 10 });
      } catch (error) {
        // Say where the channel was instead, so a failure on a loaded machine can be read.
        throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(lastRow)}`, { cause: error });
      }
    },
    async waitIdle(timeoutMs = 10_000) {
      await waitFor(async () => {
        const answer = await server.admin("/admin/channels");
        return (answer.json as { channelsPlaying: number }).channelsPlaying === 0;
      }, { what: "every channel session to end", timeoutMs });
    },
    tune: (n) => openViewer(`${server.baseUrl}/channels/${n}/stream.ts`),
    timeline,
    waitCalls: (n, predicate, what, timeoutMs = 10_000) =>
      waitFor(async () => {
        const t = await timeline(n);
        return predicate(t) ? t : undefined;
      }, { what: `engine record of channel ${n}: ${what}`, timeoutMs, intervalMs: 10 }),
  };
}

/**
 * Tunes a viewer in to channel `n` and waits until the channel is in `state` — for PLANNED
 * and SWITCH_ISSUED also until the fake has received the RPC that state waits on, so a
 * leave that follows comes after the engine saw it.
 */
export async function tuneUntil(s: Scenario, n: number, state: string): Promise<Viewer> {
  const viewer = await s.tune(n);
  if (viewer.status !== 200) throw new Error(`tune-in to channel ${n}: HTTP ${viewer.status} ${await viewer.errorBody}`);
  await s.waitChannel(n, (c) => c.boundaryState === state, `boundary state ${state}`);
  const waitsOn = state === "PLANNED" ? "LoadPreview" : state === "SWITCH_ISSUED" ? "SwitchToLive" : undefined;
  if (waitsOn !== undefined && s.air !== undefined) {
    await s.waitCalls(
      n,
      (t) => {
        const call = t.last(waitsOn);
        return call !== undefined && (call.outcome === undefined || call.outcome.kind === "hung");
      },
      `${waitsOn} received and unanswered`,
    );
  }
  return viewer;
}

/** The switch issuance instant the manager plans for a start-up boundary whose LoadPreview arrived at `call`. */
export function startupSwitchIssueAtMs(loadPreview: RecordedCall, s: Pick<Scenario, "preloadLeadMs" | "minPrefeedLeadMs">): number {
  // Start-up boundary = plan instant + preload lead; LoadPreview leaves right after planning.
  return loadPreview.receivedAtMs + s.preloadLeadMs - s.minPrefeedLeadMs - TIMING.switchIssueMarginMs;
}

/** Epoch ms of the first log line of channel `n` reporting a boundary transition to `to` (at or after `sinceMs`). */
export function transitionAtMs(server: ContractServer, n: number, to: string, sinceMs = 0): number | undefined {
  const line = server.logs.find(
    (l) => l["msg"] === "boundary transition" && l["channel"] === n && l["to"] === to && Number(l["atMs"]) >= sinceMs,
  );
  return line === undefined ? undefined : Number(line["atMs"]);
}

/** Boundary transitions of channel `n` from the server's log: [{ atMs, from, to }]. */
export function transitions(server: ContractServer, n: number): Array<{ atMs: number; from: string; to: string }> {
  return server.logs
    .filter((l) => l["msg"] === "boundary transition" && l["channel"] === n)
    .map((l) => ({ atMs: Number(l["atMs"]), from: String(l["from"]), to: String(l["to"]) }));
}
