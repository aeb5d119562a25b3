import type { Rational } from "./rational.js";

/** What a channel's output looks and sounds like; sent to the engine at StartChannel. */
export interface ProgramFormat {
  readonly video: { readonly width: number; readonly height: number; readonly frameRate: Rational };
  readonly audio: { readonly sampleRate: number; readonly channels: number };
}
