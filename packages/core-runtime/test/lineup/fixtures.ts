/** A valid lineup document (CONTRACTS.md section A) that tests copy and break. */
export function validLineupDocument(): Record<string, unknown> {
  return {
    version: 1,
    anchor: "2026-01-01T00:00:00Z",
    mediaRoot: "./media",
    channels: [
      {
        number: 1,
        name: "RetroVue One",
        group: "Retro",
        logo: "http://example.test/one.png",
        programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
        playlist: [
          { path: "ch1/bars.ts", title: "Color Bars", description: "SMPTE bars", category: "test", fps: "30/1", frameCount: 900 },
          { path: "ch1/clock.ts", title: "Clock", fps: "30000/1001", durationMs: 20_000 },
        ],
      },
      {
        number: 2,
        name: "RetroVue Two",
        programFormat: { video: { width: 640, height: 480, frameRate: "25" }, audio: { sampleRate: 44100, channels: 1 } },
        playlist: [{ path: "ch2/loop.ts", title: "Loop", fps: "25/1", durationMs: 10_000 }],
      },
    ],
  };
}

/** Deep copy so each test can mutate its own document. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
