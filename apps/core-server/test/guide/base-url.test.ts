import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { BaseUrlError, baseUrlFromRequest, normaliseHostHeader } from "../../src/guide/index.js";

function request(headers: Record<string, string | string[]>, socket: Record<string, unknown> = {}): IncomingMessage {
  return { headers, socket: { localAddress: "127.0.0.1", localPort: 8000, ...socket } } as unknown as IncomingMessage;
}

describe("baseUrlFromRequest()", () => {
  it("uses the Host header the client sent (lower-cased)", () => {
    expect(baseUrlFromRequest(request({ host: "TV.Local:8000" }))).toBe("http://tv.local:8000");
    expect(baseUrlFromRequest(request({ host: "192.168.1.5" }))).toBe("http://192.168.1.5");
    expect(baseUrlFromRequest(request({ host: "[::1]:8000" }))).toBe("http://[::1]:8000");
    expect(baseUrlFromRequest(request({ host: "my_service.lan:80" }))).toBe("http://my_service.lan:80");
  });

  it("prefers X-Forwarded-Host/Proto (first hop) when trusted, the default", () => {
    const req = request({ host: "127.0.0.1:8000", "x-forwarded-host": "tv.example.org, proxy.internal", "x-forwarded-proto": "HTTPS" });
    expect(baseUrlFromRequest(req)).toBe("https://tv.example.org");
    expect(baseUrlFromRequest(req, { trustForwardedHeaders: false })).toBe("http://127.0.0.1:8000");
  });

  it("uses the forwarded proto with the Host when only the proto is forwarded", () => {
    expect(baseUrlFromRequest(request({ host: "tv.local", "x-forwarded-proto": "https" }))).toBe("https://tv.local");
  });

  it("falls back to the socket's local address without a Host header", () => {
    expect(baseUrlFromRequest(request({}))).toBe("http://127.0.0.1:8000");
    expect(baseUrlFromRequest(request({}, { localAddress: "::ffff:10.0.0.7", localPort: 81 }))).toBe("http://10.0.0.7:81");
    expect(baseUrlFromRequest(request({}, { localAddress: "fe80::1%eth0", localPort: 81 }))).toBe("http://[fe80::1]:81");
  });

  it("says https on a TLS socket", () => {
    expect(baseUrlFromRequest(request({ host: "tv.local" }, { encrypted: true }))).toBe("https://tv.local");
  });

  it.each([
    ['evil"><script>', "invalid_host"],
    ["tv.local/../x", "invalid_host"],
    ["tv.local:99999", "invalid_host"],
    ["tv.local:0", "invalid_host"],
    ["user@tv.local", "invalid_host"],
    ["tv local", "invalid_host"],
    ["tv.local\r\nX-Injected: 1", "invalid_host"],
    ["-leading.dash", "invalid_host"],
  ])("rejects the hostile Host %j", (host, code) => {
    expect(() => baseUrlFromRequest(request({ host }))).toThrow(expect.objectContaining({ name: "BaseUrlError", code }));
  });

  it("rejects hostile forwarded headers instead of ignoring them", () => {
    expect(() => baseUrlFromRequest(request({ host: "ok", "x-forwarded-host": "a<b" }))).toThrow(BaseUrlError);
    expect(() => baseUrlFromRequest(request({ host: "ok", "x-forwarded-proto": "javascript" }))).toThrow(
      expect.objectContaining({ code: "invalid_forwarded_proto" }),
    );
    // Not trusted → not even looked at.
    expect(baseUrlFromRequest(request({ host: "ok", "x-forwarded-host": "a<b" }), { trustForwardedHeaders: false })).toBe("http://ok");
  });
});

describe("normaliseHostHeader()", () => {
  it("keeps only characters that are inert in XML, JSON and M3U", () => {
    for (const host of ["a.b", "A-1.example", "[2001:db8::1]:443", "10.0.0.1:65535"]) {
      expect(normaliseHostHeader(host)).toMatch(/^[a-z0-9.\-_:[\]]+$/);
    }
    expect(normaliseHostHeader("a".repeat(300))).toBeUndefined();
    expect(normaliseHostHeader("")).toBeUndefined();
  });
});
