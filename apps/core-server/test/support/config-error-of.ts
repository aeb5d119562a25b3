import { expect } from "vitest";
import { ConfigError } from "../../src/index.js";

/** Runs `run`, which must throw a ConfigError, and returns it for assertions on its problems. */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}
