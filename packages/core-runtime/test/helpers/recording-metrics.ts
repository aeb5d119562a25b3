import type { BoundaryState, LifecycleMetrics } from "../../src/index.js";

/** A LifecycleMetrics that records every call. */
export class RecordingMetrics implements LifecycleMetrics {
  deferred = 0;
  immediate = 0;
  graceTimeouts = 0;
  readonly deferredSeconds: number[] = [];
  readonly prefeedLeadMs: number[] = [];
  readonly switchLeadMs: number[] = [];
  readonly transitions: Array<[BoundaryState, BoundaryState]> = [];
  readonly switchesLateMs: number[] = [];
  readonly badMediaPaths: string[] = [];

  teardownDeferred(): void {
    this.deferred += 1;
  }
  teardownImmediate(): void {
    this.immediate += 1;
  }
  teardownGraceTimeout(): void {
    this.graceTimeouts += 1;
  }
  observeTeardownDeferredSeconds(_channel: number, seconds: number): void {
    this.deferredSeconds.push(seconds);
  }
  observePrefeedLeadMs(_channel: number, ms: number): void {
    this.prefeedLeadMs.push(ms);
  }
  observeSwitchLeadMs(_channel: number, ms: number): void {
    this.switchLeadMs.push(ms);
  }
  switchIssuedLate(_channel: number, lateByMs: number): void {
    this.switchesLateMs.push(lateByMs);
  }
  badMedia(_channel: number, assetPath: string): void {
    this.badMediaPaths.push(assetPath);
  }
  boundaryTransition(_channel: number, from: BoundaryState, to: BoundaryState): void {
    this.transitions.push([from, to]);
  }
}
