import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  HttpProblem,
  ListenError,
  createHttpServer,
  createRouter,
  handled,
  json,
  noContent,
  route,
  type HttpServer,
  type Route,
} from "../../src/index.js";
import { captureLogger, closeTracked, testConfig, track } from "../support/test-server.js";

afterEach(closeTracked);

interface Started {
  server: HttpServer;
  url: string;
  lines: Array<Record<string, unknown>>;
}

async function start(routes: Route[], port = 0): Promise<Started> {
  const { logger, lines } = captureLogger();
  const config = testConfig(["--max-body-bytes", "1024", "--max-header-bytes", "2048"]);
  const server = createHttpServer({ host: "127.0.0.1", port, limits: config.http, logger, router: createRouter(routes) });
  const closable = { close: () => server.close(1_000), get openConnections() { return server.openConnections; } };
  track(closable);
  const address = await server.listen();
  return { server, url: address.url, lines };
}

/** Sends raw bytes and returns everything the server answers before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function problemOf(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as Record<string, unknown>;
}

const echo = route("POST", "/echo", async (ctx) => json({ got: (await ctx.readJson()) ?? null }));

describe("HTTP layer over real HTTP", () => {
  it("answers a route with JSON, no-store, and a generated request id", async () => {
    const { url } = await start([route("GET", "/things/:id", (ctx) => json({ id: ctx.params.id, q: ctx.query.get("q") }))]);
    const response = await fetch(`${url}/things/abc?q=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ id: "abc", q: "1" });
  });

  it("echoes a safe X-Request-Id, replaces an unsafe one, and logs it with the request", async () => {
    const { url, lines } = await start([route("GET", "/x", () => json({}))]);
    const kept = await fetch(`${url}/x`, { headers: { "X-Request-Id": "client-42.a:b" } });
    expect(kept.headers.get("x-request-id")).toBe("client-42.a:b");
    const replaced = await fetch(`${url}/x`, { headers: { "X-Request-Id": "bad id {}" } });
    expect(replaced.headers.get("x-request-id")).not.toContain("bad");
    await kept.text();
    await replaced.text();
    const done = lines.find((l) => l.msg === "request done" && l.reqId === "client-42.a:b");
    expect(done).toMatchObject({ method: "GET", path: "/x", route: "GET /x", status: 200 });
  });

  it("answers 404 and 405 with problem+json, and 405 carries Allow", async () => {
    const { url } = await start([route("GET", "/things/:id", () => json({})), route("DELETE", "/things/:id", () => noContent())]);
    const missing = await fetch(`${url}/nothing`, { headers: { "X-Request-Id": "r-404" } });
    expect(missing.status).toBe(404);
    expect(await problemOf(missing)).toEqual({
      type: "urn:retrovue:problem:route-not-found",
      title: "No such route",
      status: 404,
      detail: "No route for GET /nothing",
      instance: "/nothing",
      requestId: "r-404",
    });
    const wrong = await fetch(`${url}/things/1`, { method: "POST" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("DELETE, GET, HEAD");
    expect(await problemOf(wrong)).toMatchObject({ status: 405, allow: ["DELETE", "GET", "HEAD"] });
  });

  it("answers HEAD through the GET route without a body", async () => {
    const { url } = await start([route("GET", "/x", (ctx) => json({ method: ctx.method }))]);
    const response = await fetch(`${url}/x`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(JSON.stringify({ method: "HEAD" }).length));
    expect(await response.text()).toBe("");
  });

  it("parses a JSON body, and accepts an empty one", async () => {
    const { url } = await start([echo]);
    const body = await fetch(`${url}/echo`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"a":[1,2]}' });
    expect(await body.json()).toEqual({ got: { a: [1, 2] } });
    const empty = await fetch(`${url}/echo`, { method: "POST" });
    expect(await empty.json()).toEqual({ got: null });
  });

  it("rejects invalid JSON with 400 and a non-JSON body with 415", async () => {
    const { url } = await start([echo]);
    const invalid = await fetch(`${url}/echo`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" });
    expect(invalid.status).toBe(400);
    expect(await problemOf(invalid)).toMatchObject({ type: "urn:retrovue:problem:invalid-json", status: 400 });
    const form = await fetch(`${url}/echo`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "a=1" });
    expect(form.status).toBe(415);
    expect(await problemOf(form)).toMatchObject({ status: 415, detail: 'Expected application/json, got "text/plain"' });
  });

  it("answers 413 for a declared body over the limit before reading it, and closes the connection", async () => {
    let called = false;
    const { url } = await start([route("POST", "/echo", () => ((called = true), json({})))]);
    const response = await fetch(`${url}/echo`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "x".repeat(2_000) });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await problemOf(response)).toMatchObject({ status: 413, limitBytes: 1024 });
    expect(called).toBe(false);
  });

  it("answers 413 for a chunked body that grows past the limit", async () => {
    const { url } = await start([echo]);
    const chunks = [new TextEncoder().encode(`"${"y".repeat(800)}`), new TextEncoder().encode(`${"z".repeat(800)}"`)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const response = await fetch(`${url}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await problemOf(response)).toMatchObject({ type: "urn:retrovue:problem:payload-too-large" });
  });

  it("answers 431 problem+json for a request head over the header limit", async () => {
    const { url } = await start([route("GET", "/x", () => json({}))]);
    const answer = await rawRequest(portOf(url), `GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(4_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain("Content-Type: application/problem+json");
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 431, type: "urn:retrovue:problem:headers-too-large" });
  });

  it("answers 408 problem+json to a client that does not finish its request head in time", async () => {
    const { logger } = captureLogger();
    const limits = { ...testConfig().http, headersTimeoutMs: 300, requestTimeoutMs: 300 };
    const server = createHttpServer({ host: "127.0.0.1", port: 0, limits, logger, router: createRouter([]) });
    track({ close: () => server.close(1_000), get openConnections() { return server.openConnections; } });
    const { port } = await server.listen();
    const answer = await rawRequest(port, "GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 408, type: "urn:retrovue:problem:request-timeout" });
  });

  it("answers 400 problem+json for a request that is not HTTP", async () => {
    const { url } = await start([]);
    const answer = await rawRequest(portOf(url), "HELLO THERE\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 400, detail: "Malformed HTTP request" });
  });

  it("answers 400 for a malformed percent-encoding in a parameter", async () => {
    const { url } = await start([route("GET", "/things/:id", () => json({}))]);
    const response = await fetch(`${url}/things/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ detail: "Malformed percent-encoding in the URL" });
  });

  it("hides an unexpected error's message and stack from the client and logs them", async () => {
    const { url, lines } = await start([
      route("GET", "/boom", () => {
        throw new Error("secret database path /var/lib/x");
      }),
    ]);
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("secret");
    expect(text).not.toContain("at ");
    expect(JSON.parse(text)).toMatchObject({ type: "urn:retrovue:problem:internal", title: "Internal server error", status: 500 });
    const logged = lines.find((l) => l.msg === "request failed");
    expect(JSON.stringify(logged)).toContain("secret database path");
  });

  it("sends a thrown HttpProblem with its extensions and headers", async () => {
    const { url } = await start([
      route("GET", "/limited", () => {
        throw new HttpProblem("too-many-requests", { extensions: { limit: 2, active: 2 }, headers: { "Retry-After": "3" } });
      }),
    ]);
    const response = await fetch(`${url}/limited`);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await problemOf(response)).toMatchObject({ status: 429, limit: 2, active: 2 });
  });

  it("reports a port in use as a ListenError", async () => {
    const { url } = await start([]);
    const { logger } = captureLogger();
    const second = createHttpServer({ host: "127.0.0.1", port: portOf(url), limits: testConfig().http, logger, router: createRouter([]) });
    const error = await second.listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe("EADDRINUSE");
    expect((error as ListenError).message).toContain("already in use");
    await second.close(100);
  });
});

describe("graceful close", () => {
  it("lets an in-flight request finish, ends streams on the closing signal, and refuses new requests", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let streamEnded = false;
    let slowEntered: () => void = () => undefined;
    const inSlow = new Promise<void>((resolve) => (slowEntered = resolve));
    const { server, url } = await start([
      route("GET", "/slow", async () => {
        slowEntered();
        await gate;
        return json({ finished: true });
      }),
      route("GET", "/stream", (ctx) => {
        ctx.res.writeHead(200, { "Content-Type": "video/mp2t" });
        ctx.res.write(Buffer.alloc(188, 0x47));
        ctx.closing.addEventListener("abort", () => {
          streamEnded = true;
          ctx.res.end();
        });
        return handled();
      }),
    ]);
    const slow = fetch(`${url}/slow`);
    const stream = await fetch(`${url}/stream`);
    expect(stream.status).toBe(200);
    const streamBody = stream.arrayBuffer();
    await inSlow;

    const closed = server.close(5_000);
    expect(server.shuttingDown).toBe(true);
    expect((await streamBody).byteLength).toBe(188);
    expect(streamEnded).toBe(true);
    release();
    const slowResponse = await slow;
    expect(await slowResponse.json()).toEqual({ finished: true });
    await closed;
    expect(server.openConnections).toBe(0);
    await expect(fetch(`${url}/slow`)).rejects.toThrow();
  });

  it("answers 503 shutting-down to a request that arrives on an open connection during shutdown", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const { server, url } = await start([
      route("GET", "/slow", async () => {
        entered();
        await gate;
        return json({});
      }),
    ]);
    const socket = connect(portOf(url), "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const held = fetch(`${url}/slow`);
    await inHandler;
    server.beginShutdown();
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (c: string) => (text += c));
      socket.on("end", () => resolve(text));
      socket.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
    });
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toContain("Connection: close");
    expect(answer).toContain('"type":"urn:retrovue:problem:shutting-down"');
    release();
    await (await held).text();
  });

  it("ends many open streams at shutdown without a listener-leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const { server, url } = await start([
        route("GET", "/stream", (ctx) => {
          ctx.res.writeHead(200, { "Content-Type": "video/mp2t" });
          ctx.res.write(Buffer.alloc(188, 0x47));
          ctx.closing.addEventListener("abort", () => ctx.res.end(), { once: true });
          return handled();
        }),
      ]);
      const streams = await Promise.all(Array.from({ length: 25 }, () => fetch(`${url}/stream`)));
      const bodies = streams.map((r) => r.arrayBuffer());
      await server.close(5_000);
      expect((await Promise.all(bodies)).map((b) => b.byteLength)).toEqual(Array(25).fill(188));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("destroys connections still open after the grace period", async () => {
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const { server, url } = await start([route("GET", "/hang", () => (entered(), handled()))]);
    const hanging = fetch(`${url}/hang`).catch((error: unknown) => error);
    await inHandler;
    await server.close(50);
    expect(server.openConnections).toBe(0);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
