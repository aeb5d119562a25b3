import { describe, expect, it } from "vitest";
import { GopCache } from "../../src/stream-hub/gop-cache.js";
import { RandomAccessTracker } from "../../src/stream-hub/random-access-tracker.js";
import { markDiscontinuity } from "../../src/stream-hub/ts-discontinuity.js";
import { pmtPidFromPat, videoPidFromPmt } from "../../src/stream-hub/ts-psi.js";
import { PACKET } from "./stream-hub.fixtures.js";
import {
  audioPacket,
  AUDIO_PID,
  CcCounters,
  continuityErrors,
  parsePackets,
  patPacket,
  PMT_PID,
  pmtPacket,
  programStream,
  videoPacket,
  VIDEO_PID,
} from "./ts-program.fixtures.js";

describe("PSI", () => {
  it("reads the PMT PID from the PAT and the video PID from the PMT", () => {
    expect(pmtPidFromPat(patPacket(0), 0)).toBe(PMT_PID);
    expect(videoPidFromPmt(pmtPacket(0), 0)).toBe(VIDEO_PID);
    expect(pmtPidFromPat(videoPacket(0, { key: true }), 0)).toBeUndefined();
    expect(videoPidFromPmt(patPacket(0), 0)).toBeUndefined();
  });
});

describe("markDiscontinuity", () => {
  it("sets the flag in place when the packet has an adaptation field, keeping every other byte", () => {
    const packet = videoPacket(7, { key: true });
    const before = Buffer.from(packet);
    expect(markDiscontinuity(packet, 0)).toBeUndefined();
    expect(packet[5]).toBe(0x40 | 0x80);
    packet[5] = 0x40;
    expect(packet.equals(before)).toBe(true);
  });

  it("returns an adaptation-only marker (counter one below, stuffed) for a packet full of payload", () => {
    const packet = audioPacket(0);
    const before = Buffer.from(packet);
    const marker = markDiscontinuity(packet, 0) as Buffer;
    expect(packet.equals(before)).toBe(true);
    expect(marker).toHaveLength(PACKET);
    const [m] = parsePackets(marker);
    expect(m).toEqual({ pid: AUDIO_PID, pusi: false, cc: 15, hasPayload: false, discontinuity: true, randomAccess: false });
    expect(marker[4]).toBe(183);
    expect(marker.subarray(6).every((b) => b === 0xff)).toBe(true);
    // After a jump from any counter, the marker and the packet read as valid continuity.
    const old = parsePackets(audioPacket(9));
    expect(continuityErrors([...old, ...parsePackets(Buffer.concat([marker, packet]))])).toBe(0);
    expect(continuityErrors([...old, ...parsePackets(packet)])).toBe(1);
  });
});

describe("RandomAccessTracker", () => {
  it("passes a first stream through untouched and reports its keyframes and PATs", () => {
    const tracker = new RandomAccessTracker(1024 * 1024);
    tracker.newStream(false);
    const stream = programStream(2, 10);
    const tracked = tracker.process(stream);
    expect(tracked.out).toBe(stream);
    expect(tracked.gateOpened).toBe(false);
    expect(tracked.firstPat).toBe(0);
    expect(tracked.firstRap?.offset).toBe(2 * PACKET);
    expect(tracked.lastRap?.offset).toBe(12 * PACKET);
    expect(parsePackets(tracked.lastRap?.prefix as Buffer).map((p) => p.pid)).toEqual([0, PMT_PID]);
  });

  it("splices a new stream in at PAT, PMT and keyframe, marking the first packet of each PID", () => {
    const tracker = new RandomAccessTracker(1024 * 1024);
    tracker.newStream(false);
    const old = tracker.process(programStream(1, 9)).out;
    tracker.newStream(true);
    // The new engine stream begins mid-GOP: video and audio, then a PAT and PMT, then later the keyframe.
    const cc = new CcCounters();
    for (let i = 0; i < 5; i++) cc.take(VIDEO_PID);
    const junk = Buffer.concat([videoPacket(cc.take(VIDEO_PID)), audioPacket(cc.take(AUDIO_PID)), patPacket(cc.take(0)), pmtPacket(cc.take(PMT_PID))]);
    const rest = Buffer.concat([videoPacket(cc.take(VIDEO_PID)), videoPacket(cc.take(VIDEO_PID), { key: true, fill: 0x77 }), audioPacket(cc.take(AUDIO_PID)), videoPacket(cc.take(VIDEO_PID))]);
    const held = tracker.process(Buffer.concat([junk, rest.subarray(0, PACKET)]));
    expect(held.out).toHaveLength(0); // nothing before the keyframe
    const spliced = tracker.process(rest.subarray(PACKET));
    expect(spliced.gateOpened).toBe(true);
    const got = parsePackets(spliced.out);
    expect(got.map((p) => [p.pid, p.hasPayload, p.discontinuity, p.randomAccess])).toEqual([
      [0, false, true, false], // marker, then the PAT copy
      [0, true, false, false],
      [PMT_PID, false, true, false],
      [PMT_PID, true, false, false],
      [VIDEO_PID, true, true, true], // the keyframe, flagged in place
      [AUDIO_PID, false, true, false],
      [AUDIO_PID, true, false, false],
      [VIDEO_PID, true, false, false],
    ]);
    expect(continuityErrors([...parsePackets(old), ...got])).toBe(0);
    // The same bytes without the markers would be continuity errors for a player.
    expect(continuityErrors([...parsePackets(old), ...got.filter((p) => p.hasPayload)])).toBeGreaterThan(0);
    expect(spliced.out.subarray(4 * PACKET + 6, 5 * PACKET).every((b) => b === 0x77)).toBe(true);
  });

  it("opens a splice at the next PAT when no keyframe comes within the window, and at any packet past twice that", () => {
    const tracker = new RandomAccessTracker(4 * PACKET);
    tracker.newStream(false);
    tracker.process(programStream(1, 5));
    tracker.newStream(true);
    const noKeys = Buffer.concat(Array.from({ length: 6 }, (_, i) => (i === 5 ? patPacket(i) : audioPacket(i))));
    const tracked = tracker.process(noKeys);
    expect(tracked.gateOpened).toBe(true);
    expect(parsePackets(tracked.out).map((p) => p.pid)).toEqual([0, 0]); // marker + PAT
    tracker.newStream(true);
    const audioOnly = Buffer.concat(Array.from({ length: 10 }, (_, i) => audioPacket(i)));
    expect(tracker.process(audioOnly).out).toHaveLength(2 * PACKET + PACKET); // from packet 8, + its marker
  });
});

describe("GopCache", () => {
  it("holds the GOP from its keyframe and drops one that outgrows the bound", () => {
    const cache = new GopCache(10 * PACKET);
    const packet = (n: number): Buffer => Buffer.alloc(n * PACKET, n);
    expect(cache.valid).toBe(false);
    cache.append(packet(1)); // nothing before a random access point
    expect(cache.bytes).toBe(0);
    cache.restart([packet(2), packet(3)]);
    cache.append(packet(4));
    expect(cache.contents()?.equals(Buffer.concat([packet(2), packet(3), packet(4)]))).toBe(true);
    cache.append(packet(2)); // 11 packets > 10
    expect(cache).toMatchObject({ valid: false, bytes: 0, overflows: 1 });
    expect(cache.contents()).toBeUndefined();
    cache.append(packet(1));
    expect(cache.bytes).toBe(0);
    expect(new GopCache(0).valid).toBe(false);
  });
});
