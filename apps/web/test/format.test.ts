import { describe, expect, it } from "vitest";
import { channelHue, duration, monogram, relative } from "../src/format.js";

describe("format", () => {
  it("writes durations in seconds, minutes or hours", () => {
    expect(duration(8_400)).toBe("8 s");
    expect(duration(65_000)).toBe("1:05");
    expect(duration(2 * 3600_000 + 3 * 60_000)).toBe("2 h 03 min");
    expect(duration(-5_000)).toBe("0 s");
  });

  it("says whether an instant is ahead or past", () => {
    expect(relative(10_000, 2_000)).toBe("in 8 s");
    expect(relative(2_000, 5_000)).toBe("3 s ago");
  });

  it("makes a monogram of up to two letters and a stable hue per channel", () => {
    expect(monogram("RetroVue One")).toBe("RO");
    expect(monogram("Pattern")).toBe("P");
    expect(monogram("  ")).toBe("?");
    expect(channelHue(3)).toBe(channelHue(3));
    expect(channelHue(1)).not.toBe(channelHue(2));
  });
});
