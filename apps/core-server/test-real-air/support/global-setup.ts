import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { makeClips } from "./real-air-media.js";

const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));

/** The engine binary: AIR_BINARY, else `pnpm air:build` (instant once cached; CI builds it first). */
function engineBinary(): string {
  const given = process.env["AIR_BINARY"];
  if (given !== undefined && given !== "") {
    accessSync(given, constants.X_OK);
    return given;
  }
  const build = spawnSync("node", ["tools/scripts/air-build.mjs"], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const binary = build.stdout.trim().split("\n").at(-1);
  if (build.status !== 0 || binary === undefined || binary === "") {
    throw new Error(`the real engine could not be built (pnpm air:build exited ${build.status}); set AIR_BINARY to a built retrovue_air`);
  }
  return binary;
}

/** Builds or finds the engine, makes the media, and hands both to the test files. */
export default function setup(project: TestProject): () => void {
  const binary = engineBinary();
  execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
  const mediaRoot = mkdtempSync("/tmp/rvr-media-");
  const clips = makeClips(mediaRoot);
  project.provide("realAir", { binary, mediaRoot, clips });
  return () => rmSync(mediaRoot, { recursive: true, force: true });
}
