import type { GuideChannel, GuideLineup } from "../../src/guide/index.js";
import { LoopSchedule } from "./fixtures/loop-schedule.js";

export const ANCHOR_MS = Date.parse("2026-01-01T00:00:00Z");
export const MINUTE_MS = 60_000;

/** A name that tries every injection the outputs could suffer. */
export const HOSTILE_NAME = `Evil "Ch" <script>alert('x')</script> & co\n#EXTINF:-1,fake\r\nhttp://evil/\u0000\u0007`;

/** Three channels: plain, hostile, and one with a logo on a path; descriptions/categories mixed. */
export function sampleLineup(version = "v1"): GuideLineup & { schedule: LoopSchedule } {
  const channels: GuideChannel[] = [
    { number: 1, name: "RetroVue One", group: "Retro", logo: "https://cdn.example.com/logos/one.png?a=1&b=2" },
    { number: 2, name: HOSTILE_NAME, group: 'Gr"oup\n', logo: "javascript:alert(1)" },
    { number: 12, name: "Movies & More", logo: "/logos/12.png" },
  ];
  const schedule = new LoopSchedule(ANCHOR_MS, [
    {
      number: 1,
      items: [
        { title: "Color Bars", description: "Calibration <signal> & tone", category: "Test", durationMs: 30 * MINUTE_MS },
        { title: "Morning News", durationMs: 60 * MINUTE_MS },
        { title: "Cartoons", category: "Kids", durationMs: 90 * MINUTE_MS },
      ],
    },
    {
      number: 2,
      items: [{ title: `</title><programme channel="x">`, description: "]]> &amp; \u0001 ctl", durationMs: 45 * MINUTE_MS }],
    },
    { number: 12, items: [{ title: "Feature Film", description: "A film.", category: "Movie", durationMs: 125 * MINUTE_MS + 777 }] },
  ]);
  return { version, channels, schedule };
}
