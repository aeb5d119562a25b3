import type { RecordedCall } from "@retrovue/fake-air";
import { startFakeAirProcess, type FakeAirProcess } from "./fake-air-process.js";
import { startScenario, transitionAtMs, tuneUntil, type Scenario } from "./scenario.js";
import { Timeline } from "./timeline.js";
import type { Viewer } from "./viewer.js";
import { waitFor } from "./wait.js";

/** How the fake forces a boundary into FAILED_TERMINAL. */
export type TerminalCause =
  | "SwitchToLive PROTOCOL_VIOLATION"
  | "LoadPreview PROTOCOL_VIOLATION"
  | "engine crash during SwitchToLive"
  | "SwitchToLive never answered";

/** Every cause, for `it.each`. */
export const TERMINAL_CAUSES: readonly TerminalCause[] = [
  "SwitchToLive PROTOCOL_VIOLATION",
  "LoadPreview PROTOCOL_VIOLATION",
  "engine crash during SwitchToLive",
  "SwitchToLive never answered",
];

/** `--switch-answer-timeout-ms` of these runs: a hung switch fails its boundary this long after the target. */
export const SWITCH_ANSWER_TIMEOUT_MS = 1_000;

/** A channel forced into FAILED_TERMINAL with a viewer watching. */
export interface TerminalRun {
  readonly s: Scenario;
  readonly viewer: Viewer;
  /** Epoch ms the server entered FAILED_TERMINAL (its transition log). */
  readonly terminalAtMs: number;
  /** The call whose answer (or loss) caused it, as the first fake recorded it. */
  readonly cause: RecordedCall;
  /** After a crash: the engine restarted at the same address, recording what reaches it afterwards. */
  readonly restarted: FakeAirProcess | undefined;
  /** The engine record of channel 1 after the terminal failure (from the restarted engine after a crash). */
  timelineAfter(): Promise<Timeline>;
}

/** How long the engine takes to answer StopChannel in these runs: keeps the failed manager undisposed meanwhile. */
export const SLOW_STOP_MS = 2_500;

/**
 * Tunes a viewer in to channel 1 and lets the fake force the start-up boundary into
 * FAILED_TERMINAL. The restart that follows a terminal failure with viewers is pushed out
 * of the test (one try, after 60 s), and the engine's StopChannel is slow
 * ({@link SLOW_STOP_MS}), so the failed ChannelManager stays alive, undisposed, in
 * FAILED_TERMINAL past the instants its boundary was planned for — where a scheduler that
 * did not halt, or a timer that was not cleared, would show.
 */
export async function forceTerminal(cause: TerminalCause): Promise<TerminalRun> {
  const s = await startScenario({
    argv: ["--engine-stop-timeout-ms", "5000", "--switch-answer-timeout-ms", String(SWITCH_ANSWER_TIMEOUT_MS)],
  });
  const air = s.air!;
  await air.script("StopChannel", { delayMs: SLOW_STOP_MS, times: 1 });
  let restarted: FakeAirProcess | undefined;
  let viewer: Viewer;
  let cause_: RecordedCall;
  if (cause === "SwitchToLive PROTOCOL_VIOLATION") {
    await air.script("SwitchToLive", { resultCode: "PROTOCOL_VIOLATION", times: 1 });
    viewer = await tuneUntil(s, 1, "SWITCH_SCHEDULED");
    await s.waitChannel(1, (c) => c.boundaryState === "FAILED_TERMINAL" || c.phase === "restarting", "terminal");
    cause_ = (await s.timeline(1)).first("SwitchToLive")!;
  } else if (cause === "LoadPreview PROTOCOL_VIOLATION") {
    await air.script("LoadPreview", { resultCode: "PROTOCOL_VIOLATION", times: 1 }); // FAILED (bad media) fails only the item, not the boundary
    viewer = await s.tune(1);
    await s.waitChannel(1, (c) => c.boundaryState === "FAILED_TERMINAL" || c.phase === "restarting", "terminal");
    cause_ = (await s.timeline(1)).first("LoadPreview")!;
  } else if (cause === "SwitchToLive never answered") {
    // The engine takes the switch and never answers: the answer timeout past the target fails it.
    await air.script("SwitchToLive", { hang: true, times: 1 });
    viewer = await tuneUntil(s, 1, "SWITCH_ISSUED");
    cause_ = (await s.timeline(1)).first("SwitchToLive")!;
  } else {
    // The engine process is killed (SIGKILL) while the switch is in flight; an engine comes
    // back at the same address at once, so anything Core still sends is recorded.
    viewer = await tuneUntil(s, 1, "SWITCH_ISSUED");
    cause_ = (await s.timeline(1)).first("SwitchToLive")!;
    const port = Number(air.address.split(":")[1]);
    await air.kill();
    restarted = await startFakeAirProcess({ minPrefeedLeadMs: s.minPrefeedLeadMs, port });
  }
  const terminalAtMs = await waitFor(() => transitionAtMs(s.server, 1, "FAILED_TERMINAL"), { what: "FAILED_TERMINAL in the server log" });
  return {
    s,
    viewer,
    terminalAtMs,
    cause: cause_,
    restarted,
    async timelineAfter() {
      const engine = restarted ?? air;
      return new Timeline(await engine.calls(), 1);
    },
  };
}
