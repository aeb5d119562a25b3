import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { AirMethod, Fault, RecordedCall } from "@retrovue/fake-air";
import { fakeAirCliPath } from "../../../src/index.js";
import { httpCall } from "./http-client.js";

/** The HTTP control API of a fake AIR process (tools/fake-air control server). */
export interface FakeAirControl {
  /** Control API base URL, `http://host:port`. */
  readonly controlUrl: string;
  /** Every RPC the fake has seen, in arrival order, with arrival/answer times (epoch ms). */
  calls(): Promise<RecordedCall[]>;
  /** Scripts a fault for `method` (queued after earlier ones). */
  script(method: AirMethod, fault: Fault): Promise<void>;
  clearFaults(): Promise<void>;
  /** The fake's view of a channel (404 → undefined). */
  channel(id: number): Promise<Record<string, unknown> | undefined>;
  /** Every channel the fake knows. */
  channels(): Promise<Array<Record<string, unknown>>>;
  /**
   * In-process crash via the control API: the fake drops its gRPC listener, every
   * connection and media socket at once (the process itself stays up, answering control).
   */
  crash(): Promise<void>;
}

/** A fake AIR running in its own process, driven over its HTTP control API. */
export interface FakeAirProcess extends FakeAirControl {
  /** gRPC `host:port`. */
  readonly address: string;
  readonly pid: number;
  /** Resolves when the process has exited (code, signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (the way an engine process crashes) and wait for the exit. Idempotent. */
  kill(): Promise<void>;
}

/** A client of the control API at `controlUrl` (e.g. of an engine process the server spawned). */
export function fakeAirControl(controlUrl: string): FakeAirControl {
  const expectStatus = async (answer: Promise<{ status: number; text: string }>, want: number, what: string): Promise<void> => {
    const got = await answer;
    if (got.status !== want) throw new Error(`fake-air control ${what}: HTTP ${got.status} ${got.text}`);
  };
  return {
    controlUrl,
    async calls() {
      const answer = await httpCall(`${controlUrl}/calls`);
      if (answer.status !== 200) throw new Error(`fake-air /calls: HTTP ${answer.status}`);
      return answer.json as RecordedCall[];
    },
    script: (method, fault) => expectStatus(httpCall(`${controlUrl}/faults`, { method: "POST", body: { method, fault } }), 204, "POST /faults"),
    clearFaults: () => expectStatus(httpCall(`${controlUrl}/faults`, { method: "DELETE" }), 204, "DELETE /faults"),
    async channel(id) {
      const answer = await httpCall(`${controlUrl}/channels/${id}`);
      return answer.status === 404 ? undefined : (answer.json as Record<string, unknown>);
    },
    async channels() {
      return (await httpCall(`${controlUrl}/channels`)).json as Array<Record<string, unknown>>;
    },
    async crash() {
      await expectStatus(httpCall(`${controlUrl}/crash`, { method: "POST" }), 202, "POST /crash");
    },
  };
}

/** Options of {@link startFakeAirProcess}. */
export interface FakeAirProcessOptions {
  readonly mode?: "multi" | "single";
  readonly minPrefeedLeadMs: number;
  /** gRPC port; 0 (default) picks a free one. A fixed port lets a test restart the "engine" at the same address. */
  readonly port?: number;
  /** Bound on start-up, ms. Default 15000. */
  readonly readyTimeoutMs?: number;
}

const running = new Set<FakeAirProcess>();
/** Pids of every fake process spawned here and not yet exited, ready or not. */
const spawnedPids = new Set<number>();

// Last resort if the worker exits with fakes still running (a crashed or timed-out run): no orphans.
process.once("exit", () => {
  for (const pid of spawnedPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** Fake processes started by this module that have not exited yet (for the leak check). */
export function runningFakeAirProcesses(): readonly FakeAirProcess[] {
  return [...running];
}

/** Pids of fake processes this module spawned that have not exited (including ones still starting). */
export function fakeAirPids(): readonly number[] {
  return [...spawnedPids];
}

/**
 * Starts `node tools/fake-air/dist/cli.js --address 127.0.0.1:<port> --control-port 0 ...`
 * and waits for its `FAKE_AIR_LISTENING` and `FAKE_AIR_CONTROL` lines.
 * Rejects (after killing the child) if they do not come within the bound.
 */
export async function startFakeAirProcess(options: FakeAirProcessOptions): Promise<FakeAirProcess> {
  const args = [
    fakeAirCliPath(),
    "--address",
    `127.0.0.1:${options.port ?? 0}`,
    "--control-port",
    "0",
    "--mode",
    options.mode ?? "multi",
    "--min-prefeed-lead-ms",
    String(options.minPrefeedLeadMs),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  // Tracked from the spawn: a test that fails or times out mid-start still gets it killed.
  if (child.pid !== undefined) spawnedPids.add(child.pid);
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      if (child.pid !== undefined) spawnedPids.delete(child.pid);
      resolve({ code, signal });
    });
  });

  let address: string | undefined;
  let control: string | undefined;
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    lines.on("line", (line) => {
      const [tag, value] = line.trim().split(/\s+/);
      if (tag === "FAKE_AIR_LISTENING") address = value;
      if (tag === "FAKE_AIR_CONTROL") control = value;
      if (address !== undefined && control !== undefined) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`fake-air exited before it was ready (code ${code}, signal ${signal}): ${stderr.join("")}`)),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("fake-air did not print its addresses in time")), options.readyTimeoutMs ?? 15_000);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // The rest of stdout is not needed; keep the pipe drained so the child never blocks on it.
  lines.close();
  child.stdout?.resume();

  let killing: Promise<void> | undefined;
  const proc: FakeAirProcess = {
    ...fakeAirControl(`http://${control}`),
    address: address!,
    pid: child.pid!,
    exited,
    kill() {
      killing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      })();
      return killing;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}
