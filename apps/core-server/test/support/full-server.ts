import type { FakeAir } from "@retrovue/fake-air";
import type { Clock, ProgramDirector } from "@retrovue/core-runtime";
import type { SessionGovernance } from "@retrovue/session-governance";
import {
  createCoreServer,
  type CoreServer,
  type DirectorComponent,
  type EngineHost,
  type GovernanceComponent,
} from "../../src/index.js";
import { parseConfig } from "../../src/index.js";
import { captureLogger, makeTempDir, track } from "./test-server.js";

/**
 * Flags that keep end-to-end tests fast: MIN_PREFEED 1000 ms (also the embedded fake's),
 * preload lead 1700 ms (first picture ~1.7 s after the first tune-in), the shortest grace.
 */
export const FAST_FLAGS: readonly string[] = [
  "--min-prefeed-lead-ms", "1000",
  "--preload-lead-ms", "1700",
  "--teardown-grace-ms", "1000",
  "--restart-backoff-ms", "200",
  "--session-sweep-interval-ms", "0",
];

/** A listening standard server (embedded multi fake) and handles on its parts. */
export interface FullServer {
  readonly server: CoreServer;
  readonly url: string;
  readonly adminToken: string;
  readonly director: ProgramDirector;
  readonly governance: SessionGovernance;
  readonly fakeAir: FakeAir;
  readonly logLines: Array<Record<string, unknown>>;
}

/**
 * Starts a tracked standard server on port 0 with {@link FAST_FLAGS} plus `extra` flags,
 * on `dataDir` (default: a fresh temp dir; pass one to restart on the same files).
 */
export async function startFullServer(extra: readonly string[] = [], dataDir: string = makeTempDir(), clock?: Clock): Promise<FullServer> {
  const { logger, lines } = captureLogger();
  // A flag in `extra` replaces its FAST_FLAGS default.
  const fast: string[] = [];
  for (let i = 0; i < FAST_FLAGS.length; i += 2) {
    if (!extra.includes(FAST_FLAGS[i] ?? "")) fast.push(FAST_FLAGS[i] ?? "", FAST_FLAGS[i + 1] ?? "");
  }
  // The grace of FAST_FLAGS is shorter than a start-up on purpose (tests of the grace timeout).
  const config = parseConfig({ argv: ["--port", "0", "--data-dir", dataDir, "--log-level", "debug", "--allow-short-teardown-grace", ...fast, ...extra], env: {} });
  const server = track(createCoreServer(config, clock === undefined ? { logger } : { logger, clock }));
  const { url } = await server.listen();
  const find = <T>(name: string) => server.components.find((c) => c.name === name) as T;
  const fakeAir = find<EngineHost>("engine").fakeAir;
  if (fakeAir === undefined) throw new Error("expected the embedded multi fake");
  return {
    server,
    url,
    adminToken: server.adminToken?.token ?? "",
    director: find<DirectorComponent>("director").director,
    governance: find<GovernanceComponent>("sessions").governance,
    fakeAir,
    logLines: lines,
  };
}

/** Creates a session over HTTP; returns its id and token. */
export async function createSession(url: string, body?: unknown): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/sessions`, {
    method: "POST",
    ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (res.status !== 201) throw new Error(`POST /sessions answered ${res.status}: ${await res.text()}`);
  const json = (await res.json()) as Record<string, unknown>;
  return { id: String(json.id), token: String(json.token), body: json };
}

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** Polls `check` every 25 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
