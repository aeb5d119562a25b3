import type { IncomingMessage } from "node:http";
import { HttpProblem } from "../http/http-problem.js";

const OWNER = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The owner of a new session: the `owner` the client named (a device label such as
 * `device:living-room-tv`), else `client:<remote address>` — so the per-owner session
 * limit is per client address by default — else `anonymous`.
 * @throws HttpProblem 400 for an owner outside `[A-Za-z0-9._:@-]{1,128}`.
 */
export function sessionOwnerOf(req: IncomingMessage, requested: unknown): string {
  if (requested !== undefined) {
    if (typeof requested !== "string" || !OWNER.test(requested)) {
      throw new HttpProblem("bad-request", { detail: "owner must be 1-128 characters of A-Z a-z 0-9 . _ : @ -", extensions: { field: "owner" } });
    }
    return requested;
  }
  const address = req.socket.remoteAddress;
  if (address === undefined) return "anonymous";
  // IPv6 scope ids ("fe80::1%eth0") carry characters owners may not.
  return `client:${address.replace(/[^A-Za-z0-9._:@-]/g, "-")}`.slice(0, 128);
}
