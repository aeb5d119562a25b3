import { inject } from "vitest";

/** What the global setup hands every test file: the engine and the media it made. */
export interface RealAirContext {
  /** Absolute path of the real `retrovue_air` binary. */
  readonly binary: string;
  /** Folder of the clips made at setup (the lineup's `mediaRoot`). */
  readonly mediaRoot: string;
  /** Clip file names under `mediaRoot`, each {@link CLIP_SECONDS} long. */
  readonly clips: readonly string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    realAir: RealAirContext;
  }
}

/** The context provided by `global-setup.ts`. */
export function realAirContext(): RealAirContext {
  return inject("realAir");
}
