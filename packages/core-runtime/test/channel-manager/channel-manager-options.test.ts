import { describe, expect, it } from "vitest";
import { ChannelManagerOptionsError, defaultPreloadLeadMs, resolveChannelManagerOptions } from "../../src/index.js";

describe("resolveChannelManagerOptions()", () => {
  it("fills the LIFECYCLE.md defaults", () => {
    expect(resolveChannelManagerOptions()).toEqual({
      minPrefeedLeadMs: 5000,
      preloadLeadMs: 7000,
      switchIssueMarginMs: 500,
      lateIssuanceToleranceMs: 50,
      teardownGraceMs: 10_000,
      engineCallTimeoutMs: 5000,
      loadPreviewRetryDelayMs: 250,
      switchAnswerTimeoutMs: 5000,
      sessionStart: "immediate",
      startPosition: "on-air",
      startDeadlineMs: 4000,
      startPollIntervalMs: 50,
      startLiveLatencyMs: 200,
    });
  });

  it("derives the preload lead as max(7 s, MIN_PREFEED + 2 s)", () => {
    expect(defaultPreloadLeadMs(1000)).toBe(7000);
    expect(defaultPreloadLeadMs(5000)).toBe(7000);
    expect(defaultPreloadLeadMs(5001)).toBe(7001);
    expect(resolveChannelManagerOptions({ minPrefeedLeadMs: 12_000 }).preloadLeadMs).toBe(14_000);
  });

  it.each([
    ["minPrefeedLeadMs", 999],
    ["minPrefeedLeadMs", 30_001],
    ["minPrefeedLeadMs", 5000.5],
    ["teardownGraceMs", 0],
    ["lateIssuanceToleranceMs", -1],
    ["loadPreviewRetryDelayMs", 5],
    ["switchIssueMarginMs", 5001],
    ["engineCallTimeoutMs", Number.NaN],
  ] as const)("rejects %s = %d", (option, value) => {
    try {
      resolveChannelManagerOptions({ [option]: value });
      throw new Error("expected a throw");
    } catch (error) {
      expect(error).toBeInstanceOf(ChannelManagerOptionsError);
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ option, value });
    }
  });

  it("rejects a preload lead that leaves no time for LoadPreview before switch issuance", () => {
    expect(() => resolveChannelManagerOptions({ preloadLeadMs: 5599 })).toThrow(/preloadLeadMs=5599/);
    expect(resolveChannelManagerOptions({ preloadLeadMs: 5600, switchIssueMarginMs: 0 }).preloadLeadMs).toBe(5600);
  });
});
