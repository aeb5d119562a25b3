import type { BadItem, ChannelSessionSnapshot, LineupChannel } from "@retrovue/core-runtime";
import type { JsonValue } from "../http/http-problem.js";
import { channelStateOf } from "./channel-view.js";

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** A bad item (its media failed; something else played instead) as admin JSON. */
function badItemJson(item: BadItem): { readonly [key: string]: JsonValue } {
  return { path: item.assetPath, reason: item.reason, at: iso(item.atMs), atMs: item.atMs, boundaryAt: iso(item.boundaryMs), substitute: item.substitute };
}

/** One row of `GET /admin/channels`: the lineup entry with its channel session's internals. */
export function adminChannelJson(channel: LineupChannel, s: ChannelSessionSnapshot | undefined): { readonly [key: string]: JsonValue } {
  return {
    number: channel.number,
    name: channel.name,
    state: channelStateOf(s),
    phase: s?.phase ?? null,
    boundaryState: s?.boundaryState ?? null,
    isLive: s?.isLive ?? false,
    provisional: s?.provisional ?? null,
    viewers: s?.viewers ?? 0,
    teardownPending: s?.teardownPending ?? false,
    teardownDeadline: iso(s?.teardownDeadlineMs),
    teardownReason: s?.teardownReason ?? null,
    fatalReason: s?.fatalReason ?? null,
    // Issue 13: items whose media failed in this session (the last 10), and the latest.
    badItems: (s?.manager?.badItems ?? []).map(badItemJson),
    lastBadItem: s?.manager?.lastBadItem === undefined ? null : badItemJson(s.manager.lastBadItem),
    restartAttempts: s?.restartAttempts ?? 0,
    nextRestartAt: iso(s?.nextRestartAtMs),
    restarts: s?.restarts ?? 0,
    lastFailureReason: s?.lastFailureReason ?? null,
    lastFailureAt: iso(s?.lastFailureAtMs),
    outputWatchdogTrips: s?.outputWatchdogTrips ?? 0,
    sessionCreatedAt: iso(s?.createdAtMs),
    liveAt: iso(s?.liveAtMs),
    socketPath: s?.socketPath ?? null,
    hub:
      s === undefined
        ? null
        : {
            engineConnected: s.hub.engineConnected,
            bytesIn: s.hub.bytesIn,
            bytesOut: s.hub.bytesOut,
            viewersEvicted: s.hub.viewersEvicted,
            resyncs: s.hub.resyncs,
            splices: s.hub.splices,
            gopCacheBytes: s.hub.gopCacheBytes,
            lastInputAt: iso(s.hub.lastInputAtMs),
          },
  };
}
