import { afterEach, describe, expect, it } from "vitest";
import { writeContractLineup } from "../contract/support/contract-lineup.js";
import { eventually, startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked, makeTempDir } from "../support/test-server.js";
import { checkMediaPlaylist, checkReload, type ParsedPlaylist } from "./rfc8216.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

describe("HLS across a restart of the channel", () => {
  it("a terminal failure with HLS viewers restarts the channel, and the playlist marks the splice with EXT-X-DISCONTINUITY (RFC 8216 across every reload)", async () => {
    // Boundaries every 6 s, so a scheduled switch comes soon after the start.
    const lineup = writeContractLineup(makeTempDir(), { channels: [1], segmentMs: 6_000, anchorMs: Math.floor(Date.now() / 6_000) * 6_000 });
    const s = await startFullServer(["--lineup", lineup, "--hls-viewer-idle-ms", "10000", "--hls-window-segments", "10"]);
    const url = `${s.url}/channels/1/stream.m3u8`;
    const load = async (): Promise<ParsedPlaylist> => {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const { playlist, problems } = checkMediaPlaylist(await res.text());
      expect(problems).toEqual([]);
      return playlist;
    };
    let last = await load();
    await eventually("channel 1 LIVE", () => s.director.channelSnapshots()[0]?.isLive === true, 15_000);
    // The next scheduled SwitchToLive fails: FAILED_TERMINAL, then a restart with the viewers kept.
    s.fakeAir.script("SwitchToLive", { resultCode: "PROTOCOL_VIOLATION", times: 1 });
    await eventually("a restart", () => s.logLines.some((l) => l.restart === true && typeof l.msg === "string" && l.msg.startsWith("The channel session restarted")), 30_000);
    await eventually("a discontinuity in the playlist", async () => {
      const next = await load();
      expect(checkReload(last, next)).toEqual([]);
      last = next;
      return next.segments.some((x) => x.discontinuity);
    }, 30_000);
    const spliced = last.segments.find((x) => x.discontinuity);
    expect(spliced?.discontinuitySequence).toBe(last.discontinuitySequence + 1);
    // The HLS viewer stayed through the restart.
    expect(s.director.channelSnapshots()[0]?.viewers).toBe(1);
  }, 90_000);
});
