import { describe, expect, it } from "vitest";
import {
  attachStreamWire,
  buildRequest,
  detachStreamWire,
  loadPreviewWire,
  programFormatJson,
  startChannelWire,
  stopChannelWire,
  streamTransportName,
  switchToLiveWire,
  updatePlanWire,
} from "../src/air-wire.js";
import { AirCallError, airProto, type AirMethod, type AirProgramFormat } from "../src/index.js";

const FORMAT: AirProgramFormat = {
  video: { width: 1280, height: 720, frameRate: { numerator: 30000, denominator: 1001 } },
  audio: { sampleRate: 48000, channels: 2 },
};

describe("request builders", () => {
  it("programFormatJson writes the engine's snake_case JSON with frame_rate as N/D", () => {
    expect(JSON.parse(programFormatJson(FORMAT))).toEqual({
      video: { width: 1280, height: 720, frame_rate: "30000/1001" },
      audio: { sample_rate: 48000, channels: 2 },
    });
  });

  it("StartChannel carries channel, plan, port (default 0) and the format JSON", () => {
    const w = startChannelWire({ channelId: 3, planHandle: "ch3/a.ts", programFormat: FORMAT });
    expect(w.channelId).toBe(3);
    expect(w.planHandle).toBe("ch3/a.ts");
    expect(w.port).toBe(0);
    expect(w.programFormatJson).toBe(programFormatJson(FORMAT));
    expect(startChannelWire({ channelId: 3, planHandle: "", programFormat: FORMAT, port: 9 }).port).toBe(9);
  });

  it("LoadPreview sends int64 frames as bigint and the fps as two int32", () => {
    const w = loadPreviewWire({
      channelId: 1,
      assetPath: "a.ts",
      startFrame: 2 ** 40,
      frameCount: 900,
      fps: { numerator: 30, denominator: 1 },
    });
    expect(w.startFrame).toBe(2n ** 40n);
    expect(w.frameCount).toBe(900n);
    expect([w.fpsNumerator, w.fpsDenominator]).toEqual([30, 1]);
  });

  it("SwitchToLive defaults issuedAtTimeMs to the given now", () => {
    const w = switchToLiveWire({ channelId: 1, targetBoundaryTimeMs: 1_700_000_010_000 }, 1_700_000_000_000);
    expect(w.targetBoundaryTimeMs).toBe(1_700_000_010_000n);
    expect(w.issuedAtTimeMs).toBe(1_700_000_000_000n);
    const explicit = switchToLiveWire({ channelId: 1, targetBoundaryTimeMs: 5, issuedAtTimeMs: 4 }, 99);
    expect(explicit.issuedAtTimeMs).toBe(4n);
  });

  it("AttachStream defaults to a Unix socket without replacing; DetachStream to no force", () => {
    const a = attachStreamWire({ channelId: 1, endpoint: "/run/ch_1.sock" });
    expect(a.transport).toBe(airProto.StreamTransport.UNIX_DOMAIN_SOCKET);
    expect(a.replaceExisting).toBe(false);
    const tcp = attachStreamWire({ channelId: 1, endpoint: "127.0.0.1:1", transport: "tcp_loopback", replaceExisting: true });
    expect(tcp.transport).toBe(airProto.StreamTransport.TCP_LOOPBACK);
    expect(tcp.replaceExisting).toBe(true);
    expect(detachStreamWire({ channelId: 1 }).force).toBe(false);
    expect(detachStreamWire({ channelId: 1, force: true }).force).toBe(true);
    expect(updatePlanWire({ channelId: 2, planHandle: "p" }).planHandle).toBe("p");
    expect(stopChannelWire({ channelId: 2 }).channelId).toBe(2);
  });

  it("streamTransportName names wire values, unknown ones as unspecified", () => {
    expect(streamTransportName(1)).toBe("unix_domain_socket");
    expect(streamTransportName(2)).toBe("tcp_loopback");
    expect(streamTransportName(0)).toBe("unspecified");
    expect(streamTransportName(7)).toBe("unspecified");
  });
});

describe("bad arguments become invalid_argument, naming the field", () => {
  const cases: [string, AirMethod, () => unknown, string][] = [
    ["fractional channelId", "StopChannel", () => stopChannelWire({ channelId: 1.5 }), "channelId"],
    ["channelId above int32", "StopChannel", () => stopChannelWire({ channelId: 2 ** 31 }), "channelId"],
    ["NaN channelId", "UpdatePlan", () => updatePlanWire({ channelId: Number.NaN, planHandle: "p" }), "channelId"],
    ["missing planHandle", "UpdatePlan", () => updatePlanWire({ channelId: 1 } as never), "planHandle"],
    [
      "format width not an integer",
      "StartChannel",
      () =>
        startChannelWire({
          channelId: 1,
          planHandle: "a",
          programFormat: { ...FORMAT, video: { ...FORMAT.video, width: 12.5 } },
        }),
      "programFormat.video.width",
    ],
    ["missing format", "StartChannel", () => startChannelWire({ channelId: 1, planHandle: "a" } as never), "programFormat"],
    [
      "unsafe startFrame",
      "LoadPreview",
      () => loadPreviewWire({ channelId: 1, assetPath: "a", startFrame: 2 ** 53, frameCount: 1, fps: { numerator: 30, denominator: 1 } }),
      "startFrame",
    ],
    [
      "bigint frameCount",
      "LoadPreview",
      () => loadPreviewWire({ channelId: 1, assetPath: "a", startFrame: 0, frameCount: 5n as never, fps: { numerator: 30, denominator: 1 } }),
      "frameCount",
    ],
    [
      "missing fps",
      "LoadPreview",
      () => loadPreviewWire({ channelId: 1, assetPath: "a", startFrame: 0, frameCount: 1 } as never),
      "fps",
    ],
    [
      "fractional target",
      "SwitchToLive",
      () => switchToLiveWire({ channelId: 1, targetBoundaryTimeMs: 1.5 }, 0),
      "targetBoundaryTimeMs",
    ],
    [
      "unknown transport",
      "AttachStream",
      () => attachStreamWire({ channelId: 1, endpoint: "x", transport: "carrier_pigeon" as never }),
      "transport",
    ],
    [
      "prototype key as transport",
      "AttachStream",
      () => attachStreamWire({ channelId: 1, endpoint: "x", transport: "toString" as never }),
      "transport",
    ],
    ["non-boolean force", "DetachStream", () => detachStreamWire({ channelId: 1, force: "yes" as never }), "force"],
    ["null request", "DetachStream", () => detachStreamWire(null as never), "request"],
  ];

  it.each(cases)("%s", (_label, method, build, field) => {
    const r = buildRequest(method, build);
    expect(r).toBeInstanceOf(AirCallError);
    const e = r as AirCallError;
    expect(e.code).toBe("invalid_argument");
    expect(e.method).toBe(method);
    expect(e.rawMessage.startsWith(field)).toBe(true);
  });

  it("a valid request passes through unchanged", () => {
    const r = buildRequest("StopChannel", () => stopChannelWire({ channelId: 4 }));
    expect(r).not.toBeInstanceOf(AirCallError);
  });
});
