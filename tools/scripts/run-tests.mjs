#!/usr/bin/env node
// Runs every package's tests through turbo, then the real-engine suite (`pnpm test:real-air`,
// apps/core-server/test-real-air), then sums the vitest JSON reports into the one line CI
// reads: "N passed, N failed, N skipped". Exits non-zero when turbo or the real suite failed,
// any test failed, a report is missing, or no test ran at all.
// The real suite needs the engine: AIR_BINARY, else `pnpm air:build` (instant once cached;
// .ci/run builds it first). It is left out when arguments are passed through to turbo (a
// filtered run) or with RETROVUE_REAL_AIR=0, and the run says so on stderr.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const groups = ["packages", "apps", "tools"];
const packageDirs = groups.flatMap((group) => {
  const dir = join(root, group);
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
});
const reportOf = (dir) => join(dir, ".test-results", "vitest.json");

const realAirReport = join(root, "apps", "core-server", ".test-results", "real-air.json");
for (const dir of packageDirs) rmSync(reportOf(dir), { force: true });
rmSync(realAirReport, { force: true });

// One package at a time: the server's contract suite measures real-time deadlines with real
// processes, and sharing two cores with five other test runs made it miss them.
const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env },
});

// After the main tests, so the fake-engine suites never share the cores with real engines.
const passThrough = process.argv.slice(2);
const runRealAir = passThrough.length === 0 && process.env.RETROVUE_REAL_AIR !== "0";
const realAir = runRealAir
  ? spawnSync("pnpm", ["run", "--silent", "test:real-air"], { cwd: root, stdio: "inherit", env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env } })
  : undefined;
if (!runRealAir) {
  console.error(`real-engine suite not run (${passThrough.length > 0 ? "a filtered run" : "RETROVUE_REAL_AIR=0"}); run it with pnpm test:real-air`);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of packageDirs) {
  const pkgJson = join(dir, "package.json");
  if (!existsSync(pkgJson) || !JSON.parse(readFileSync(pkgJson, "utf8")).scripts?.test) continue;
  if (!existsSync(reportOf(dir))) {
    missing.push(dir.slice(root.length));
    continue;
  }
  countReport(reportOf(dir));
}
if (runRealAir) {
  if (existsSync(realAirReport)) countReport(realAirReport);
  else missing.push("apps/core-server (real-engine suite)");
}

function countReport(path) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load (syntax error, import error) has no test results: count it.
  for (const suite of report.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}

if (missing.length > 0) console.error(`no test report from: ${missing.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = turbo.status === 0 && (realAir === undefined || realAir.status === 0) && failed === 0 && missing.length === 0 && passed > 0;
process.exit(ok ? 0 : 1);
