import { spawn, spawnSync } from "node:child_process";

/**
 * The path of a third-party validator the tests run (`promtool`, `tv_validate_file`,
 * `hdhomerun_config`). A missing tool fails the test with the package to install: these
 * checks must never pass silently because nothing ran (`.ci/run` installs the packages).
 */
export function requireTool(command: string, debianPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") {
    throw new Error(
      `${command} is not installed: install the Debian package ${debianPackage} ` +
        `(apt-get install --no-install-recommends ${debianPackage}; .ci/run does this before the tests).`,
    );
  }
  return path;
}

/** What a finished tool run printed. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `path args…` with `stdin` (if any) and collects its output; rejects after `timeoutMs`. */
export function runTool(path: string, args: readonly string[], stdin?: string, timeoutMs = 30_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path} ${args.join(" ")} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? "");
  });
}

/** Where Debian's libxmltv-perl keeps xmltv.dtd; tv_validate_file otherwise fetches it from supplement.xmltv.org. */
export const XMLTV_SUPPLEMENT_DIR = "/usr/share/xmltv";
