import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.js";
import { DueTimer } from "../../src/channel-manager/due-timer.js";
import { EngineCallSlot } from "../../src/channel-manager/engine-call-slot.js";
import { classifyLoadPreviewFailure, decideLoadPreviewRetry, describeEngineFailure } from "../../src/channel-manager/engine-failure.js";
import { EventMailbox } from "../../src/channel-manager/event-mailbox.js";

describe("DueTimer", () => {
  it("keeps one timer: same instant is a no-op, a new one replaces it, undefined clears", () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const timer = new DueTimer(clock, () => fired.push(clock.now()));
    timer.set(100);
    timer.set(100);
    expect(clock.armedTimerCount).toBe(1);
    timer.set(50);
    expect(clock.armedTimerCount).toBe(1);
    clock.advance(200);
    expect(fired).toEqual([50]);
    expect(timer.atMs).toBeUndefined();
    timer.set(300);
    timer.set(undefined);
    clock.advance(200);
    expect(fired).toEqual([50]);
    expect(clock.armedTimerCount).toBe(0);
  });
});

describe("EngineCallSlot", () => {
  it("accepts only the current call of the current generation, and aborts on invalidate", () => {
    const slot = new EngineCallSlot();
    const first = slot.begin();
    const second = slot.begin();
    expect(slot.accept(first)).toBe(false);
    expect(slot.busy).toBe(true);
    expect(slot.accept(second)).toBe(true);
    expect(slot.busy).toBe(false);
    const third = slot.begin();
    slot.invalidate();
    expect(third.signal.aborted).toBe(true);
    expect(slot.accept(third)).toBe(false);
  });
});

describe("EventMailbox", () => {
  it("delivers events posted during delivery after the current ones, in order", () => {
    const errors: unknown[] = [];
    const box = new EventMailbox<string>((e) => errors.push(e));
    const seen: string[] = [];
    box.subscribe((e) => {
      seen.push(`a:${e}`);
      if (e === "1") {
        box.post("3");
        box.deliver(); // re-entrant: must not deliver "3" before "2" reaches every listener
      }
    });
    box.subscribe((e) => {
      seen.push(`b:${e}`);
      if (e === "2") throw new Error("boom");
    });
    box.post("1");
    box.post("2");
    box.deliver();
    expect(seen).toEqual(["a:1", "b:1", "a:2", "b:2", "a:3", "b:3"]);
    expect(errors).toHaveLength(1);
    box.close();
    box.post("4");
    box.deliver();
    expect(seen).toHaveLength(6);
  });
});

describe("engine failures", () => {
  it("classifies LoadPreview failures", () => {
    expect(classifyLoadPreviewFailure({ kind: "rejected", code: "rejected_busy", message: "" })).toBe("retry");
    expect(classifyLoadPreviewFailure({ kind: "rejected", code: "failed", message: "" })).toBe("permanent");
    expect(classifyLoadPreviewFailure({ kind: "error", error: "unavailable", message: "" })).toBe("retry");
    expect(classifyLoadPreviewFailure({ kind: "error", error: "aborted", message: "" })).toBe("aborted");
    expect(classifyLoadPreviewFailure({ kind: "error", error: "already_exists", message: "" })).toBe("permanent");
  });

  it("decides retries against the switch issuance instant and a pending teardown", () => {
    const busy = { kind: "rejected", code: "rejected_busy", message: "" } as const;
    expect(decideLoadPreviewRetry(busy, false, 1000, 250, 1500)).toEqual({ kind: "retry", retryAtMs: 1250 });
    expect(decideLoadPreviewRetry(busy, false, 1250, 250, 1500)).toEqual({ kind: "no-time" });
    expect(decideLoadPreviewRetry(busy, true, 1000, 250, 1500)).toEqual({ kind: "hold" });
    expect(decideLoadPreviewRetry({ kind: "rejected", code: "failed", message: "" }, true, 1000, 250, 1500)).toEqual({ kind: "terminal" });
  });

  it("describes failures for logs", () => {
    expect(describeEngineFailure({ kind: "rejected", code: "protocol_violation", message: "no", violationReason: "lead" })).toBe("rejected PROTOCOL_VIOLATION (lead): no");
    expect(describeEngineFailure({ kind: "error", error: "deadline_exceeded", message: "" })).toBe("error deadline_exceeded");
  });
});
