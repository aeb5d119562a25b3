import { createLineupSchedule, parseLineup } from "../../src/index.js";

/**
 * Channel 1 only: a 15 s item (`/m/x.ts`) then a 20 s one (`/m/y.ts`), 30 fps, from epoch 0 —
 * a 35 s cycle, like sample channel 1. Items of unequal length make an item-start cover run
 * out sooner with one than with the other.
 */
export const unequalItemsSchedule = createLineupSchedule(
  parseLineup({
    version: 1,
    anchor: new Date(0).toISOString(),
    channels: [
      {
        number: 1,
        name: "One",
        programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
        playlist: [
          { path: "x.ts", title: "X", fps: "30/1", frameCount: 450 },
          { path: "y.ts", title: "Y", fps: "30/1", frameCount: 600 },
        ],
      },
    ],
  }),
  { mediaRoot: "/m" },
);
