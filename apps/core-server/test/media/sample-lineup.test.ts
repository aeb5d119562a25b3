import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadLineupFile, parseRational, resolveMediaPath } from "@retrovue/core-runtime";
import { describe, expect, it } from "vitest";
import { probeTransportStream, sampleLineupPath } from "../../src/index.js";

const H264 = 0x1b;
const AAC_ADTS = 0x0f;

function sizeOf(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) => total + (entry.isDirectory() ? sizeOf(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
    0,
  );
}

describe("the shipped sample lineup", () => {
  it("is a valid contract-A lineup of several channels, every segment at least 10 s (governable: longer than the preload lead)", async () => {
    const { lineup, mediaRoot } = await loadLineupFile(sampleLineupPath());
    expect(lineup.channels.map((c) => c.number)).toEqual([1, 2, 3, 4]);
    for (const channel of lineup.channels) {
      for (const asset of channel.playlist) {
        expect(asset.fps).toEqual(channel.programFormat.video.frameRate);
        expect(asset.durationMs, `${channel.number} ${asset.title}`).toBeGreaterThanOrEqual(10_000);
        expect(statSync(resolveMediaPath(mediaRoot, asset.path)).isFile()).toBe(true);
      }
    }
    expect(sizeOf(mediaRoot)).toBeLessThan(5 * 1024 * 1024);
  });

  it("has clips that are valid MPEG-TS (H.264 + AAC), each exactly as long as its item (the engine pads black past a clip's end)", async () => {
    const { mediaRoot } = await loadLineupFile(sampleLineupPath());
    const raw = JSON.parse(readFileSync(sampleLineupPath(), "utf8")) as {
      channels: Array<{ number: number; programFormat: { audio: { sampleRate: number } }; playlist: Array<{ path: string; fps: string; frameCount: number }> }>;
    };
    for (const channel of raw.channels) {
      for (const item of channel.playlist) {
        const bytes = readFileSync(resolveMediaPath(mediaRoot, item.path));
        expect(bytes.length % 188, item.path).toBe(0);
        const probe = probeTransportStream(bytes);
        expect(probe).toMatchObject({ valid: true, firstPacketOffset: 0, syncErrors: 0, continuityErrors: 0 });
        const video = probe.streams.find((s) => s.kind === "video");
        const audio = probe.streams.find((s) => s.kind === "audio");
        expect(video?.streamType).toBe(H264);
        expect(audio?.streamType).toBe(AAC_ADTS);
        const fps = parseRational(item.fps);
        if (fps === undefined) throw new Error(`bad fps ${item.fps}`);
        const clipFrames = video?.pesCount ?? 0;
        expect(clipFrames, item.path).toBe(item.frameCount);
        // Sound for the whole clip: the audio PES span covers at least 98 % of the video's.
        const videoSpan = (video?.lastPts ?? 0) - (video?.firstPts ?? 0);
        const audioSpan = (audio?.lastPts ?? 0) - (audio?.firstPts ?? 0);
        expect(audioSpan / videoSpan, item.path).toBeGreaterThanOrEqual(0.98);
        // PTS advance across the clip matches the declared rate (90 kHz clock, no B-frames).
        const expectedSpan = ((clipFrames - 1) * 90_000 * fps.denominator) / fps.numerator;
        const span = (video?.lastPts ?? 0) - (video?.firstPts ?? 0);
        expect(Math.abs(span - expectedSpan), item.path).toBeLessThanOrEqual(clipFrames);
      }
    }
  });
});

describe("probeTransportStream", () => {
  it("finds alignment in a stream cut mid-packet and flags corruption", async () => {
    const { mediaRoot } = await loadLineupFile(sampleLineupPath());
    const bytes = readFileSync(join(mediaRoot, "ch1/bars.ts"));
    const cut = probeTransportStream(bytes.subarray(100, 100 + 188 * 300 + 50));
    expect(cut.firstPacketOffset).toBe(88);
    expect(cut.packets).toBe(299);
    expect(cut.valid).toBe(true);

    const damaged = Buffer.from(bytes.subarray(0, 188 * 200));
    damaged[188 * 50] = 0x00;
    const probe = probeTransportStream(damaged);
    expect(probe.syncErrors).toBe(1);
    expect(probe.valid).toBe(false);

    const dropped = Buffer.concat([bytes.subarray(0, 188 * 40), bytes.subarray(188 * 45, 188 * 200)]);
    expect(probeTransportStream(dropped).continuityErrors).toBeGreaterThan(0);
    expect(probeTransportStream(Buffer.from("not a transport stream")).valid).toBe(false);
  });
});
