#!/usr/bin/env node
// Runs every package's tests through turbo, then sums the vitest JSON reports into the
// one line CI reads: "N passed, N failed, N skipped". Exits non-zero when turbo failed,
// any test failed, or no test ran at all.
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

for (const dir of packageDirs) rmSync(reportOf(dir), { force: true });

// One package at a time: the server's contract suite measures real-time deadlines with real
// processes, and sharing two cores with five other test runs made it miss them.
const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env },
});

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
  const report = JSON.parse(readFileSync(reportOf(dir), "utf8"));
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
const ok = turbo.status === 0 && failed === 0 && missing.length === 0 && passed > 0;
process.exit(ok ? 0 : 1);
