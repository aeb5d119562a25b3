import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { CliError, EXIT } from "./cli-error.js";

/** Where the server is and how to authenticate as its operator. */
export interface Connection {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:8000`. */
  readonly serverUrl: string;
  /** A function so commands that need no token never fail for lack of one. */
  readonly adminToken: () => string;
}

/** The global options that locate the server. */
export interface ConnectionOptions {
  readonly server?: string;
  readonly adminToken?: string;
  readonly dataDir?: string;
}

/**
 * Finds the server and its admin token the way the server itself configures them, flags
 * beating environment beating defaults:
 * - URL: `--server`, else `RETROVUE_URL`, else `http://<RETROVUE_HOST or 127.0.0.1>:<RETROVUE_PORT or 8000>`
 *   (a wildcard host means this machine, 127.0.0.1);
 * - token: `--admin-token`, else `RETROVUE_ADMIN_TOKEN`, else the file `<data dir>/admin-token`,
 *   with the data dir `--data-dir`, else `RETROVUE_DATA_DIR`, else `./data`, relative to
 *   where the command was run (`INIT_CWD` under pnpm).
 */
export function resolveConnection(options: ConnectionOptions, env: Readonly<Record<string, string | undefined>>, cwd: string): Connection {
  const serverUrl = normaliseServerUrl(options.server ?? env["RETROVUE_URL"] ?? defaultUrl(env));
  const adminToken = (): string => {
    const given = options.adminToken ?? env["RETROVUE_ADMIN_TOKEN"];
    if (given !== undefined && given !== "") return given;
    const dataDir = options.dataDir ?? env["RETROVUE_DATA_DIR"] ?? "./data";
    const file = join(isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir), "admin-token");
    try {
      const token = readFileSync(file, "utf8").trim();
      if (token !== "") return token;
    } catch {
      // Reported below, with every place that was looked at.
    }
    throw new CliError(
      `no admin token: pass --admin-token, set RETROVUE_ADMIN_TOKEN, or point --data-dir at the server's data dir (looked for ${file})`,
      EXIT.unauthorized,
    );
  };
  return { serverUrl, adminToken };
}

function defaultUrl(env: Readonly<Record<string, string | undefined>>): string {
  const host = env["RETROVUE_HOST"];
  const reachable = host === undefined || host === "" || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const hostPart = reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable;
  return `http://${hostPart}:${env["RETROVUE_PORT"] ?? "8000"}`;
}

function normaliseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--server must be a URL like http://127.0.0.1:8000, got ${JSON.stringify(text)}`, EXIT.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(`--server must be an http(s) URL, got ${JSON.stringify(text)}`, EXIT.usage);
  }
  return url.origin;
}
