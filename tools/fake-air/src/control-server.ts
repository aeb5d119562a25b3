import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeAir } from "./fake-air.js";
import { FaultError, isAirMethod, validateFault } from "./fault.js";

/** A running HTTP control server. */
export interface ControlServer {
  /** "host:port". */
  readonly address: string;
  readonly port: number;
  /** Closes the server and every open connection. Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function send(res: ServerResponse, statusCode: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(statusCode).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new FaultError("request body too large", "");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new FaultError("request body is not JSON", "");
  }
}

/**
 * Starts a JSON control server for a fake driven from another process (the CLI uses it):
 * `POST /faults {method, fault}` (204), `DELETE /faults` (204), `GET /calls`, `GET /channels`,
 * `GET /channels/:id` (404 when unknown), `POST /crash` (202, then crashes the fake).
 * Bad input answers 400 `{error}`. Rejects if the port cannot be bound.
 */
export async function startControlServer(air: FakeAir, options: { host?: string; port?: number } = {}): Promise<ControlServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void handle(air, req, res).catch((error: unknown) => {
      send(res, error instanceof FaultError ? 400 : 500, { error: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    address: `${host}:${port}`,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(air: FakeAir, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://control").pathname;
  const method = req.method ?? "GET";
  if (path === "/faults" && method === "POST") {
    const body = (await readJson(req)) as { method?: unknown; fault?: unknown } | null;
    const target = body?.method;
    if (!isAirMethod(target)) throw new FaultError(`unknown method "${String(target)}"`, String(target));
    air.script(target, validateFault(target, body?.fault));
    send(res, 204);
    return;
  }
  if (path === "/faults" && method === "DELETE") {
    air.clearFaults();
    send(res, 204);
    return;
  }
  if (path === "/calls" && method === "GET") {
    send(res, 200, air.calls());
    return;
  }
  if (path === "/channels" && method === "GET") {
    send(res, 200, air.channelStates());
    return;
  }
  const channel = /^\/channels\/(-?\d+)$/.exec(path);
  if (channel !== null && method === "GET") {
    const state = air.channelState(Number(channel[1]));
    if (state === undefined) send(res, 404, { error: `channel ${channel[1]} unknown` });
    else send(res, 200, state);
    return;
  }
  if (path === "/crash" && method === "POST") {
    send(res, 202, { crashing: true });
    res.once("finish", () => air.crash());
    return;
  }
  send(res, 404, { error: `no route ${method} ${path}` });
}
