#!/usr/bin/env node
// `pnpm air:build`: builds the real AIR engine once and prints the binary's path on the last
// line of stdout (progress goes to stderr). Output lives in a cache outside the repo and
// outside shared/, so a second run is instant:
//   ${RETROVUE_AIR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/retrovue/real-air}
// Source, in this order:
//   1. RETROVUE_AIR_SOURCE=<tarball or directory of slbailey/retrovue (0ee4798)>: built by
//      tools/scripts/air-build/build-from-source.sh (needs no shared/);
//   2. the workplace's shared/real-air/build.sh: RETROVUE_SHARED_DIR, else ../shared or
//      ../../shared beside the repo (a clone in CI, a worktree under /work/wt).
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const cacheDir =
  process.env.RETROVUE_AIR_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "retrovue", "real-air");

function fail(message) {
  console.error(`air:build: ${message}`);
  process.exit(1);
}

/** Runs a build script with no stdin; its progress passes through, its stdout's last line is the binary. */
function runBuild(command, args) {
  const run = spawnSync(command, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", env: process.env });
  if (run.error) fail(`${command} could not run: ${run.error.message}`);
  const lines = (run.stdout ?? "").split("\n").filter((l) => l.trim() !== "");
  for (const line of lines.slice(0, -1)) console.error(line);
  if (run.status !== 0) fail(`${args.join(" ")} exited with ${run.status ?? run.signal}`);
  const binary = lines.at(-1);
  if (binary === undefined) fail(`${args.join(" ")} printed no binary path`);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    fail(`the build printed ${binary}, which is not an executable`);
  }
  return binary;
}

function sharedBuildScript() {
  const candidates = process.env.RETROVUE_SHARED_DIR
    ? [resolve(process.env.RETROVUE_SHARED_DIR)]
    : [resolve(root, "../shared"), resolve(root, "../../shared")];
  for (const dir of candidates) {
    const script = join(dir, "real-air", "build.sh");
    if (existsSync(script)) return script;
  }
  fail(
    `no engine source: set RETROVUE_AIR_SOURCE to a slbailey/retrovue tarball or checkout (commit 0ee4798), ` +
      `or RETROVUE_SHARED_DIR to a folder holding real-air/build.sh (looked in ${candidates.join(", ")})`,
  );
}

const source = process.env.RETROVUE_AIR_SOURCE;
const binary =
  source !== undefined && source !== ""
    ? runBuild("bash", [join(here, "air-build", "build-from-source.sh"), resolve(source), join(cacheDir, "from-source")])
    : runBuild("bash", [sharedBuildScript(), join(cacheDir, "shared")]);
console.log(binary);
