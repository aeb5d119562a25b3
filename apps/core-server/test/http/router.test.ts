import { describe, expect, expectTypeOf, it } from "vitest";
import { createRouter, json, route, type RouteParams } from "../../src/index.js";

const ok = () => json({});

describe("createRouter", () => {
  it("types and decodes path parameters", () => {
    expectTypeOf<RouteParams<"/sessions/:id/channels/:n/stream.ts">>().toEqualTypeOf<{ readonly id: string; readonly n: string }>();
    const router = createRouter([route("GET", "/sessions/:id/channels/:n/stream.ts", ok)]);
    const match = router.match("GET", "/sessions/a%20b/channels/7/stream.ts");
    expect(match).toMatchObject({ kind: "found", params: { id: "a b", n: "7" } });
  });

  it("prefers a literal segment over a parameter, whatever the declaration order", () => {
    const byId = route("GET", "/sessions/:id", ok, { name: "by-id" });
    const stats = route("GET", "/sessions/stats", ok, { name: "stats" });
    const router = createRouter([byId, stats]);
    expect(router.match("GET", "/sessions/stats")).toMatchObject({ kind: "found", route: { name: "stats" } });
    expect(router.match("GET", "/sessions/42")).toMatchObject({ kind: "found", route: { name: "by-id" } });
  });

  it("reports the allowed methods when only the method is wrong, and HEAD uses GET routes", () => {
    const router = createRouter([route("GET", "/sessions/:id", ok), route("DELETE", "/sessions/:id", ok), route("POST", "/sessions", ok)]);
    expect(router.match("PUT", "/sessions/1")).toEqual({ kind: "method-not-allowed", allow: ["DELETE", "GET", "HEAD"] });
    expect(router.match("HEAD", "/sessions/1")).toMatchObject({ kind: "found", route: { method: "GET" } });
    expect(router.match("GET", "/sessions/1/extra")).toEqual({ kind: "not-found" });
    expect(router.match("GET", "/sessions/")).toEqual({ kind: "not-found" });
  });

  it("refuses duplicate routes and malformed patterns", () => {
    expect(() => createRouter([route("GET", "/a/:x", ok), route("GET", "/a/:y", ok)])).toThrow("Duplicate route: GET /a/:y");
    expect(() => createRouter([route("GET", "a", ok)])).toThrow(/must start with/);
    expect(() => createRouter([route("GET", "/a/:1x", ok)])).toThrow(/Bad parameter/);
  });

  it("throws URIError on a malformed parameter encoding", () => {
    const router = createRouter([route("GET", "/sessions/:id", ok)]);
    expect(() => router.match("GET", "/sessions/%E0%A4%A")).toThrow(URIError);
  });
});
