import { mkdtempSync, rmSync } from "node:fs";
import { Writable } from "node:stream";
import { pino } from "pino";
import {
  createCoreServer,
  createStandardComponents,
  parseConfig,
  type CoreServer,
  type ServerComponent,
  type ServerConfig,
} from "../../../src/index.js";
import { writeContractLineup, type ContractLineupOptions } from "./contract-lineup.js";
import { CountingClock } from "./counting-clock.js";
import { httpCall, type HttpAnswer, type HttpCallOptions } from "./http-client.js";

/** How the server under test reaches the engine. */
export type ContractAir =
  | { readonly mode: "connect"; readonly address: string }
  | { readonly mode: "spawn"; readonly binary: string };

/** Options of {@link startContractServer}. */
export interface ContractServerOptions {
  readonly air: ContractAir;
  /** Extra command-line flags (grace, lead, session policy...). */
  readonly argv?: readonly string[];
  readonly lineup?: ContractLineupOptions;
  /** A lineup file the test wrote itself (the real-engine suite's own media); `lineup` is then ignored. */
  readonly lineupPath?: string;
  /** Reuse a data directory (restart on the same SQLite file). Default: a fresh temp dir. */
  readonly dataDir?: string;
  /** pino level of the captured log. Default "info". */
  readonly logLevel?: "debug" | "info" | "warn";
}

/** A running server under test and what the suite observes of it. */
export interface ContractServer {
  readonly server: CoreServer;
  readonly config: ServerConfig;
  readonly baseUrl: string;
  readonly clock: CountingClock;
  readonly dataDir: string;
  readonly adminToken: string;
  /** The components the server was composed of (engine host, director, sessions...). */
  readonly components: readonly ServerComponent[];
  /** Parsed JSON log lines. */
  readonly logs: Array<Record<string, unknown>>;
  /** A request against the server (relative path). */
  http(path: string, options?: HttpCallOptions): Promise<HttpAnswer>;
  /** A request with the operator token. */
  admin(path: string, options?: HttpCallOptions): Promise<HttpAnswer>;
  /** Log lines whose `msg` or `invariant` contains `text`. */
  logsMatching(text: string): Array<Record<string, unknown>>;
  /** Closes the server (idempotent). */
  close(): Promise<void>;
}

const dataDirs: string[] = [];
const servers = new Set<ContractServer>();

/** A short temp directory (Unix socket paths must stay under ~104 bytes). */
export function shortTempDir(): string {
  const dir = mkdtempSync("/tmp/rvc-");
  dataDirs.push(dir);
  return dir;
}

/** Removes the temp directories made by {@link shortTempDir}. */
export function removeTempDirs(): void {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Servers started and not yet closed (the leak check closes them). */
export function openContractServers(): readonly ContractServer[] {
  return [...servers];
}

/** The flags every contract server gets: loopback, port 0, a data dir, a known admin token. */
export const CONTRACT_ADMIN_TOKEN = "contract-suite-admin-token-0123456789";

/**
 * Starts the real server in-process (createCoreServer with the standard components) with a
 * counting clock, pointed at a fake AIR, on port 0 with a temp data dir and a lineup
 * written for the test. Resolves once it listens.
 */
export async function startContractServer(options: ContractServerOptions): Promise<ContractServer> {
  const dataDir = options.dataDir ?? shortTempDir();
  const lineupPath = options.lineupPath ?? writeContractLineup(dataDir, options.lineup);
  const airArgs =
    options.air.mode === "connect"
      ? ["--air-mode", "connect", "--air-address", options.air.address]
      : ["--air-mode", "spawn", "--air-binary", options.air.binary];
  const config = parseConfig({
    argv: [
      "--host", "127.0.0.1",
      "--port", "0",
      "--data-dir", dataDir,
      "--lineup", lineupPath,
      // Day-long items over the 10–20 s sample clips, on purpose (no boundary inside a test).
      "--lineup-media-check", "off",
      "--admin-token", CONTRACT_ADMIN_TOKEN,
      "--log-level", options.logLevel ?? "info",
      ...airArgs,
      ...(options.argv ?? []),
    ],
    env: {},
  });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() !== "") logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = pino({ level: options.logLevel ?? "info" }, sink);
  const clock = new CountingClock();
  let components: readonly ServerComponent[] = [];
  const server = createCoreServer(config, {
    logger,
    clock,
    components: (context) => (components = createStandardComponents(context)),
  });
  const address = await server.listen();
  const baseUrl = address.url;
  const contract: ContractServer = {
    server,
    config,
    baseUrl,
    clock,
    dataDir,
    adminToken: CONTRACT_ADMIN_TOKEN,
    get components() {
      return components;
    },
    logs,
    http: (path, o) => httpCall(`${baseUrl}${path}`, o),
    admin: (path, o) =>
      httpCall(`${baseUrl}${path}`, { ...o, headers: { authorization: `Bearer ${CONTRACT_ADMIN_TOKEN}`, ...(o?.headers ?? {}) } }),
    logsMatching: (text) => logs.filter((l) => String(l["msg"] ?? "").includes(text) || String(l["invariant"] ?? "").includes(text)),
    async close() {
      await server.close();
      servers.delete(contract);
    },
  };
  servers.add(contract);
  return contract;
}
