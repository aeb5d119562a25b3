import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, createRouter, json, route, type Route } from "../../src/index.js";
import { captureLogger, closeTracked, testConfig, track } from "../support/test-server.js";

// Issue 14 "HTTP edges": every error answer is problem+json, paths are never normalised into
// another route, and a body in a transfer coding we do not implement is refused. Raw
// sockets, because fetch cannot send most of these.
afterEach(closeTracked);

async function start(routes: Route[]): Promise<number> {
  const { logger } = captureLogger();
  const server = createHttpServer({ host: "127.0.0.1", port: 0, limits: testConfig([]).http, logger, router: createRouter(routes) });
  track({ close: () => server.close(1_000), get openConnections() { return server.openConnections; } });
  return Number(new URL((await server.listen()).url).port);
}

/** Sends raw bytes; resolves with the status, headers and parsed body of the first answer. */
function raw(port: number, bytes: string): Promise<{ status: number; head: string; body: Record<string, unknown> | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let text = "";
    const done = (): void => {
      const split = text.indexOf("\r\n\r\n");
      const head = split === -1 ? text : text.slice(0, split);
      const rest = split === -1 ? "" : text.slice(split + 4);
      let body: Record<string, unknown> | undefined;
      try {
        body = rest === "" ? undefined : (JSON.parse(rest) as Record<string, unknown>);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), head, body, text });
    };
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      // Answers here carry Content-Length: stop once the whole body is in.
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      const split = text.indexOf("\r\n\r\n");
      if (length !== undefined && split !== -1 && Buffer.byteLength(text.slice(split + 4)) >= Number(length)) {
        socket.destroy();
        done();
      }
    });
    socket.on("end", done);
    socket.on("error", reject);
    socket.setTimeout(5_000, () => reject(new Error(`no answer; got ${JSON.stringify(text)}`)));
  });
}

const routes = [
  route("GET", "/channels", () => json({ route: "channels" })),
  route("GET", "/admin/channels", () => json({ route: "admin" })),
  route("POST", "/echo", async (ctx) => json({ got: (await ctx.readJson()) ?? null })),
];

describe("HTTP edges over raw sockets", () => {
  it("Expect: bogus → 417 with a problem body", async () => {
    const port = await start(routes);
    const answer = await raw(port, "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: bogus\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    expect(answer.status).toBe(417);
    expect(answer.head).toMatch(/content-type: application\/problem\+json/i);
    expect(answer.body).toMatchObject({ status: 417, title: "Expectation not supported" });
  });

  it("an HTTP/1.1 request without Host → 400 with a problem body; HTTP/1.0 without Host is served", async () => {
    const port = await start(routes);
    const answer = await raw(port, "GET /channels HTTP/1.1\r\n\r\n");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, detail: "HTTP/1.1 requests must carry a Host header" });
    const old = await raw(port, "GET /channels HTTP/1.0\r\n\r\n");
    expect(old.text).toMatch(/^HTTP\/1\.1 200/);
  });

  it("CONNECT → 405 with a problem body and Allow, not a closed socket", async () => {
    const port = await start(routes);
    const answer = await raw(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(answer.status).toBe(405);
    expect(answer.head).toMatch(/allow: GET, HEAD, POST, DELETE/i);
    expect(answer.body).toMatchObject({ status: 405, detail: "CONNECT is not supported: this is not a proxy" });
  });

  it.each([
    ["//admin/channels", 404],
    ["//channels", 404],
    ["/admin/../channels", 404],
    ["/admin/./channels", 404],
    ["/admin//channels", 404],
    ["/admin/channels?x=//y", 200],
    ["http://a/channels", 200],
  ])("%s is served by its own route or none (%i), never another", async (target, status) => {
    const port = await start(routes);
    const answer = await raw(port, `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(answer.status).toBe(status);
    if (status === 404) expect(answer.body).toMatchObject({ status: 404 });
    if (target.startsWith("/admin/channels")) expect(answer.body).toEqual({ route: "admin" });
  });

  it("Transfer-Encoding gzip, chunked → 501 problem, never read as plain JSON; plain chunked JSON still works", async () => {
    const port = await start(routes);
    const body = '{"a":1}';
    const chunk = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const answer = await raw(port, `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${chunk}`);
    expect(answer.status).toBe(501);
    expect(answer.body).toMatchObject({ status: 501, title: "Not implemented" });
    const plain = await raw(port, `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}`);
    expect(plain.body).toEqual({ got: { a: 1 } });
  });

  it("a gzip Content-Encoding on a JSON body → 415 problem", async () => {
    const port = await start(routes);
    const answer = await raw(port, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}");
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ status: 415 });
  });
});
